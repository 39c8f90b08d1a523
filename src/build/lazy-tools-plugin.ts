import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

const catalog = fileURLToPath(new URL('../tools/catalog.ts', import.meta.url));
const lazyCatalog = fileURLToPath(new URL('../tools/lazy-catalog.ts', import.meta.url));

/**
 * Build step (tsup.config.ts): the bundle's tool catalog is src/tools/lazy-catalog.ts (stand-ins from
 * the build's metadata, each tool's code imported on its first call) instead of src/tools/catalog.ts
 * (the full definitions, with every handler and zod shape evaluated at start-up). tools/list answers
 * from the build's schemas either way, byte for byte (test/tools/lazy-catalog.test.ts).
 */
export const lazyTools: Plugin = {
  name: 'lazy-tools',
  setup(build) {
    build.onResolve({ filter: /[\\/]catalog\.js$/ }, (args) =>
      path.resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')) === catalog
        ? { path: lazyCatalog }
        : undefined,
    );
  },
};
