// The version lives in package.json; server.json (MCP Registry: its own and the npm package's),
// manifest.json (the Claude Desktop bundle) and gemini-extension.json (Gemini CLI) repeat it. `npm version` runs this (the "version" script)
// so the bump commit carries all three; `--check` (release.yml, tests) fails when they differ.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (f) => JSON.parse(readFileSync(path.join(root, f), 'utf8'));
const { version } = read('package.json');

/** Every place that must say `version`, as [file, where, value]. */
export function versionsIn(server, manifest, gemini) {
  return [
    ['server.json', 'version', server.version],
    ...server.packages
      .filter((p) => p.registryType === 'npm')
      .map((p, i) => ['server.json', `packages[${i}].version`, p.version]),
    ['manifest.json', 'version', manifest.version],
    ['gemini-extension.json', 'version', gemini.version],
  ];
}

const server = read('server.json');
const manifest = read('manifest.json');
const gemini = read('gemini-extension.json');
if (process.argv.includes('--check')) {
  const wrong = versionsIn(server, manifest, gemini).filter(([, , v]) => v !== version);
  for (const [file, where, v] of wrong)
    console.error(
      `${file} ${where} is ${v}, package.json says ${version}: run node scripts/sync-versions.mjs`,
    );
  process.exit(wrong.length ? 1 : 0);
}
server.version = version;
for (const p of server.packages) if (p.registryType === 'npm') p.version = version;
manifest.version = version;
gemini.version = version;
writeFileSync(path.join(root, 'server.json'), JSON.stringify(server, null, 2) + '\n');
writeFileSync(path.join(root, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
writeFileSync(path.join(root, 'gemini-extension.json'), JSON.stringify(gemini, null, 2) + '\n');
