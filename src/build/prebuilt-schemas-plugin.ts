import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import type { PrebuiltToolSchemas } from './prebuilt-types.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Build step (tsup.config.ts): converts every tool's zod schemas to JSON Schema once, here, and puts
 * the result in the bundle in place of src/build/prebuilt-tool-schemas.ts. Converting them at every
 * start-up was a tenth of the time to answer tools/list. The conversion is the registry's own code
 * (src/build/tool-schemas.ts), bundled and run in this process, so the listing cannot differ from
 * what the sources would list (test/tools/prebuilt-schemas.test.ts compares them for every mode).
 */
export const prebuiltToolSchemas: Plugin = {
  name: 'prebuilt-tool-schemas',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]src[\\/]build[\\/]prebuilt-tool-schemas\.ts$/ }, async () => ({
      contents: `export const prebuiltToolSchemas = ${JSON.stringify(await generate())};\n`,
      loader: 'js',
    }));
  },
};

async function generate(): Promise<PrebuiltToolSchemas> {
  const result = await build({
    entryPoints: [path.join(here, 'print-tool-schemas.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    external: ['typescript'],
    banner: {
      js: "import { createRequire as __pmcpCreateRequire } from 'node:module'; const require = __pmcpCreateRequire(import.meta.url);",
    },
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-tool-schemas-'));
  try {
    const file = path.join(dir, 'print-tool-schemas.mjs');
    writeFileSync(file, result.outputFiles[0]!.text);
    const mod = (await import(pathToFileURL(file).href)) as { default: PrebuiltToolSchemas };
    return mod.default;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
