import { createRequire } from 'node:module';

// src/cli/ sits two levels below package.json, the bundled dist/cli.js (and its chunks) one.
const require = createRequire(import.meta.url);
function readPackage(): { homepage?: string } {
  for (const p of ['../package.json', '../../package.json']) {
    try {
      const pkg = require(p) as { name?: string; homepage?: string };
      if (pkg.name === 'proxmox-mcp') return pkg;
    } catch {
      // not at this level: try the next
    }
  }
  return {};
}

/** `--help`'s "Docs" line: the README of the repository (package.json `homepage`). */
export const DOCS_URL = readPackage().homepage ?? 'README.md';
