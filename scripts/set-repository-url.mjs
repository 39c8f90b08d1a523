// The repository's address is only known where it is hosted: package.json, manifest.json and
// server.json carry the placeholder below, and release.yml puts the real one in
// (${server_url}/${repository}) before it publishes or bundles, so no invented address is published.
// Usage: set-repository-url.mjs https://git.example.org/owner/proxmox-mcp
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PLACEHOLDER = 'https://gitea.example.com/owner/proxmox-mcp';
const FILES = ['package.json', 'manifest.json', 'server.json'];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const url = process.argv[2]?.replace(/\/+$/, '');
if (!url || !/^https?:\/\/[^/]+\/.+/.test(url)) {
  console.error('usage: set-repository-url.mjs https://HOST/OWNER/REPO');
  process.exit(2);
}
for (const file of FILES) {
  const full = path.join(root, file);
  const text = readFileSync(full, 'utf8');
  writeFileSync(full, text.split(PLACEHOLDER).join(url));
}
console.log(`repository URL set to ${url} in ${FILES.join(', ')}`);
