// The Gemini CLI extension's server (gemini-extension.json). `gemini extensions install <repo>` clones
// the repository without building it, so an unbuilt checkout runs the published package at this
// version through npx; a built one (a linked development checkout) runs its own build.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (existsSync(path.join(root, 'dist', 'cli.js'))) {
  await import(pathToFileURL(path.join(root, 'bin', 'proxmox-mcp.js')).href);
} else {
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const child = spawn('npx', ['-y', `proxmox-mcp@${version}`, ...process.argv.slice(2)], {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
