import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Which bundled dependency requires which Node built-in when it loads without needing it for anything
 * proxmox-mcp does: each such require is pointed at a stand-in that loads the real module on first use.
 * Node compiles a built-in's JavaScript the first time it is loaded, so these were paid by every
 * start-up. (Rewritten in the dependency's text because tsup resolves `node:` requires before any
 * plugin sees them.)
 */
const standIns: Array<{ file: RegExp; require: string; standIn: string }> = [
  {
    file: /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/,
    require: "require('node:child_process')",
    standIn: 'lazy-child-process.ts',
  },
  {
    file: /[\\/]node_modules[\\/]cosmiconfig[\\/]dist[\\/]loaders\.js$/,
    require: 'require("crypto")',
    standIn: 'lazy-crypto.ts',
  },
];

export const lazyBuiltins: Plugin = {
  name: 'lazy-builtins',
  setup(build) {
    for (const s of standIns) {
      build.onLoad({ filter: s.file }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        // A dependency update that moves the require must be noticed, not silently keep the cost.
        if (!text.includes(s.require))
          throw new Error(`lazy-builtins: ${s.require} not found in ${args.path}`);
        return {
          contents: text.replace(s.require, `require(${JSON.stringify(path.join(here, s.standIn))})`),
          loader: 'js',
          resolveDir: path.dirname(args.path),
        };
      });
    }
  },
};
