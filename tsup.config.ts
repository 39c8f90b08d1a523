import { defineConfig } from 'tsup';

// One bundled ESM file per entry: everything (SDK, zod, undici, commander, cosmiconfig) is inlined so
// the published package has no runtime dependencies. The HTTP transport is a separate chunk that the
// CLI imports lazily, so stdio start-up does not parse it.
export default defineConfig({
  entry: { cli: 'src/cli.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  clean: true,
  splitting: true,
  sourcemap: false,
  minify: false,
  noExternal: [/^(?!typescript$).*/],
  // cosmiconfig lazily imports TypeScript only for .ts config files, which we do not search for;
  // bundling it would add ~9 MB.
  external: ['typescript'],
  // Some bundled CommonJS dependencies call require() on Node built-ins; give ESM output a real require.
  banner: {
    js: "import { createRequire as __pmcpCreateRequire } from 'node:module'; const require = __pmcpCreateRequire(import.meta.url);",
  },
});
