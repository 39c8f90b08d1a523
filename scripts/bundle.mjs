// `npm run bundle`: the Claude Desktop extension, an MCP Bundle (.mcpb) of the built server. Stages
// manifest.json (its version taken from package.json), the launcher, dist/ and a minimal package.json
// (the code reads its name and version from it, and it marks the .js files as ES modules), validates
// the manifest with mcpb and packs proxmox-mcp-<version>.mcpb in the repository root (like npm pack),
// or where the first argument says.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
if (!existsSync(path.join(root, 'dist', 'cli.js'))) {
  console.error('npm run bundle: dist/cli.js is missing; run npm run build first (npm run bundle does).');
  process.exit(1);
}

const stage = mkdtempSync(path.join(os.tmpdir(), 'proxmox-mcp-mcpb-'));
const manifest = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8'));
manifest.version = pkg.version;
writeFileSync(path.join(stage, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
const runtimePkg = { name: pkg.name, version: pkg.version, type: 'module', license: pkg.license };
writeFileSync(path.join(stage, 'package.json'), JSON.stringify(runtimePkg, null, 2) + '\n');
for (const entry of ['bin', 'dist', 'README.md', 'LICENSE']) {
  cpSync(path.join(root, entry), path.join(stage, entry), { recursive: true });
}

const mcpb = path.join(root, 'node_modules', '@anthropic-ai', 'mcpb', 'dist', 'cli', 'cli.js');
// An output path may be given (the tests build into a temporary directory).
const out = path.resolve(process.argv[2] ?? path.join(root, `${pkg.name}-${pkg.version}.mcpb`));
const run = (args) => execFileSync(process.execPath, [mcpb, ...args], { cwd: root, stdio: ['ignore', 2, 2] });
run(['validate', path.join(stage, 'manifest.json')]);
rmSync(out, { force: true });
run(['pack', stage, out]);
rmSync(stage, { recursive: true, force: true });
console.log(out);
