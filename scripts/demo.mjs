// `npm run demo`: build, then start the demo server on the built-in simulated clusters. From a
// terminal it serves HTTP (something to connect to from another window) and says how to connect;
// launched by an MCP client (stdin is a pipe) it serves stdio, so `npm run --silent demo` works as a
// client's command. Extra arguments go to the server: `npm run demo -- --port 9000`; `--no-build`
// (first) starts the existing build as it is.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const noBuild = process.argv[2] === '--no-build';
const extra = process.argv.slice(noBuild ? 3 : 2);
const http = process.stdin.isTTY === true;

// stdout may be an MCP stdio channel: build output goes to stderr. A build newer than every source
// file is reused (and not rebuilt under tests that run the binary at the same time).
const build =
  noBuild || upToDate()
    ? { status: 0 }
    : spawnSync(process.execPath, [path.join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js')], {
        cwd: root,
        stdio: ['ignore', process.stderr, process.stderr],
      });
if (build.status !== 0) {
  process.stderr.write('npm run demo: the build failed (output above); did `npm ci` run?\n');
  process.exit(build.status ?? 1);
}

const args = [path.join(root, 'bin', 'proxmox-mcp.js'), 'demo', ...(http ? ['--http'] : []), ...extra];
if (http) {
  const port = portOf(extra) ?? process.env.MCP_PORT ?? '8000';
  // --port 0 picks a free port: the server's own "listening on" line below names it.
  const url =
    port === '0'
      ? 'http://127.0.0.1:PORT/mcp (PORT: see "listening on" below)'
      : `http://127.0.0.1:${port}/mcp`;
  process.stderr.write(
    [
      '',
      `Demo clusters "demo" (pve1-pve3) and "lab" (lab1), served over HTTP at ${url} (legacy SSE: /sse).`,
      'Connect from another terminal, e.g.:',
      `  npx @modelcontextprotocol/inspector@2 --cli ${url} --transport http --method tools/list   (Node 22.19+)`,
      `  claude mcp add --transport http proxmox-demo ${url}`,
      `  gemini mcp add --transport http proxmox-demo ${url}`,
      'or point a client that launches its server at: npm run --silent demo (stdio), from this directory.',
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
}
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

function upToDate() {
  let built;
  try {
    built = statSync(path.join(root, 'dist', 'cli.js')).mtimeMs;
  } catch {
    return false;
  }
  const newest = (dir) =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs,
      ),
    );
  return built >= Math.max(newest(path.join(root, 'src')), statSync(path.join(root, 'package.json')).mtimeMs);
}

function portOf(argv) {
  const i = argv.findIndex((a) => a === '--port' || a.startsWith('--port='));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
}
