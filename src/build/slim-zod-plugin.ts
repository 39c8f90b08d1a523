import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Two zod modules nothing in proxmox-mcp or the SDK uses, swapped for stand-ins that throw if called:
 * start-up is mostly parsing code, and these were ~83 KB of the zod chunk every start-up parses.
 * test/delivery/bundle.test.ts checks they stay out and that zod is otherwise whole.
 */
export const slimZod: Plugin = {
  name: 'slim-zod',
  setup(build) {
    build.onResolve({ filter: /^\.\/compile\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]core[\\/]index\.js$/.test(args.importer)
        ? { path: path.join(here, 'zod-no-compile.ts') }
        : undefined,
    );
    build.onResolve({ filter: /^\.\/from-json-schema\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]classic[\\/]external\.js$/.test(args.importer)
        ? { path: path.join(here, 'zod-no-from-json-schema.ts') }
        : undefined,
    );
  },
};
