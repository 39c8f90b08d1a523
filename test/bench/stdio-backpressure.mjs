// stdio backpressure (issue 12, observation 6): a client writes malformed lines (each answered with a
// reply ~45 times its size) and does not read stdout. The figure is the server's peak RSS while the
// client is not reading, and how much input the server took before it stopped reading stdin. Then the
// client reads again and the time until every line is answered is measured.
//   node test/bench/stdio-backpressure.mjs        (after npm run build)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { cleanEnv } from './lib/env.mjs';

const BIN = fileURLToPath(new URL('../../bin/proxmox-mcp.js', import.meta.url));
const MiB = 1024 * 1024;

const rssMiB = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

export async function backpressure({ garbageMiB = 50, line = 'x\n' } = {}) {
  // The garbage is never routed to a cluster: an address nothing listens on is enough.
  const env = cleanEnv({
    PROXMOX_URL: 'https://127.0.0.1:9',
    PROXMOX_TOKEN: 'root@pam!mcp=00000000-0000-4000-8000-000000000000',
    PROXMOX_VERIFY_SSL: 'false',
  });
  const child = spawn(process.execPath, [BIN], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr.resume();
  const exited = new Promise((r) => child.once('exit', r));
  const chunk = Buffer.from(line.repeat(Math.floor((64 * 1024) / line.length)));
  let written = 0;
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(child.pid))), 25);
  while (written < garbageMiB * MiB) {
    const ok = child.stdin.write(chunk);
    written += chunk.length;
    if (!ok) {
      const drained = await Promise.race([
        new Promise((r) => child.stdin.once('drain', () => r(true))),
        new Promise((r) => setTimeout(() => r(false), 1_000)),
      ]);
      if (!drained) break;
    }
  }
  await new Promise((r) => setTimeout(r, 1_000));
  clearInterval(sampler);
  const stalledAt = written;
  // Read again; the rest of the garbage follows, then one ping.
  const started = performance.now();
  let replies = 0;
  let rest = '';
  let done;
  const answered = new Promise((r) => (done = r));
  child.stdout.on('data', (d) => {
    const parts = (rest + d).split('\n');
    rest = parts.pop();
    for (const p of parts) {
      replies++;
      if (p.includes('"id":"end"')) done();
    }
  });
  while (written < garbageMiB * MiB) {
    if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
    written += chunk.length;
  }
  child.stdin.write('{"jsonrpc":"2.0","id":"end","method":"ping"}\n');
  await answered;
  const ms = performance.now() - started;
  child.stdin.end();
  await exited;
  return [
    {
      figure: `stdio: peak RSS while the client writes garbage lines and reads nothing`,
      value: `${peak.toFixed(1)} MB (the server stopped reading after ${(stalledAt / MiB).toFixed(2)} MB)`,
      target: '≤ 150 MB',
      met: peak <= 150,
    },
    {
      figure: `stdio: reading again, all ${garbageMiB} MB of garbage answered (${replies} replies)`,
      value: `${(ms / 1000).toFixed(1)} s`,
    },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const row of await backpressure()) console.log(JSON.stringify(row));
}
