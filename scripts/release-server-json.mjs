// release.yml: server.json for this release, with the Claude Desktop bundle added as an `mcpb`
// package (the registry requires its SHA-256). Usage: release-server-json.mjs FILE.mcpb DOWNLOAD_URL
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [bundle, url] = process.argv.slice(2);
if (!bundle || !url) {
  console.error('usage: release-server-json.mjs FILE.mcpb DOWNLOAD_URL');
  process.exit(2);
}
const server = JSON.parse(readFileSync(path.join(root, 'server.json'), 'utf8'));
server.packages = [
  ...server.packages.filter((p) => p.registryType !== 'mcpb'),
  {
    registryType: 'mcpb',
    identifier: url,
    version: server.version,
    fileSha256: createHash('sha256').update(readFileSync(bundle)).digest('hex'),
    transport: { type: 'stdio' },
  },
];
process.stdout.write(JSON.stringify(server, null, 2) + '\n');
