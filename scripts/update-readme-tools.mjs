// Regenerates the README's tool table from the registry (run after `npm run build`).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const table = execFileSync(process.execPath, ['bin/proxmox-mcp.js', 'tools', '--markdown'], {
  encoding: 'utf8',
});
const readme = readFileSync('README.md', 'utf8');
const updated = readme.replace(/(<!-- tools:start[^>]*-->\n)[\s\S]*?(<!-- tools:end -->)/, `$1${table}$2`);
writeFileSync('README.md', updated);
console.log(updated === readme ? 'README tool table already current' : 'README tool table updated');
