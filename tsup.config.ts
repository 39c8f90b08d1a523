import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { defineConfig, type Options } from 'tsup';
import { lazyBuiltins } from './src/build/lazy-builtins-plugin.js';
import { lazyTools } from './src/build/lazy-tools-plugin.js';
import { prebuiltToolSchemas } from './src/build/prebuilt-schemas-plugin.js';
import { slimZod } from './src/build/slim-zod-plugin.js';

// Start-up time is mostly parsing code. Two modules are swapped for stubs: the SDK Server's eager Ajv
// validator (~1 MB parsed and run at every start even though we pass our own validator) and zod's
// all-locales namespace (~280 KB of translations; we use English only).
const slimDependencies: Plugin = {
  name: 'slim-dependencies',
  setup(build) {
    build.onResolve({ filter: /validation\/ajv-provider\.js$/ }, (args) =>
      /@modelcontextprotocol[\\/]sdk/.test(args.importer)
        ? { path: fileURLToPath(new URL('./src/sdk/no-ajv.ts', import.meta.url)) }
        : undefined,
    );
    build.onResolve({ filter: /locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer)
        ? { path: fileURLToPath(new URL('./src/build/zod-locales.ts', import.meta.url)) }
        : undefined,
    );
  },
};

// Some bundled CommonJS dependencies call require() on Node built-ins; give ESM output a real require.
const banner = {
  js: "import { createRequire as __pmcpCreateRequire } from 'node:module'; const require = __pmcpCreateRequire(import.meta.url);",
};

// One bundled ESM file per entry: everything (SDK, zod, commander, cosmiconfig) is inlined so
// the published package has no runtime dependencies. The HTTP transport is a separate chunk that the
// CLI imports lazily, so stdio start-up does not parse it.
const product = {
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
  esbuildPlugins: [slimDependencies, slimZod, prebuiltToolSchemas, lazyTools, lazyBuiltins],
  banner,
} satisfies Options;

// The simulator with its test controls (src/simulator/testing), for the benchmarks (test/bench) to run
// in a process of their own. Outside dist/, so the package and `demo` never carry it.
const testingSimulator = {
  entry: { simulator: 'src/simulator/testing/index.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  outDir: 'dist-testing',
  clean: true,
  splitting: false,
  sourcemap: false,
  minify: false,
  noExternal: [/.*/],
  banner,
} satisfies Options;

export default defineConfig([product, testingSimulator]);
