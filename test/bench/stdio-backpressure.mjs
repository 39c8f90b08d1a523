// stdio backpressure (issue 12, observation 6): a client writes malformed lines (each answered with a
// reply ~45 times its size) and does not read stdout, up to 50 MB. The figure is the server's peak RSS
// while the client is not reading, and how much input the server took before it stopped reading stdin.
// Then the client reads again and sends a ping: the time until it is answered (the backlog first).
//   node test/bench/stdio-backpressure.mjs        (after npm run build)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { cleanEnv } from './lib/env.mjs';

const BIN = fileURLToPath(new URL('../../bin/proxmox-mcp.js', import.meta.url));
const MiB = 1024 * 1024;

const rssMiB = (pid) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

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
  // A server without backpressure takes it all and grows; stop watching it past 1 GB.
  while (written < garbageMiB * MiB && peak < 1024) {
    const ok = child.stdin.write(chunk);
    written += chunk.length;
    if (!ok) {
      const drained = await Promise.race([
        new Promise((r) => child.stdin.once('drain', () => r(true))),
        new Promise((r) => setTimeout(() => r(false), 3_000)),
      ]);
      if (!drained) break;
    }
  }
  await new Promise((r) => setTimeout(r, 1_000));
  clearInterval(sampler);
  const stalledAt = written;
  const first = {
    figure: `stdio: peak RSS while the client writes garbage lines and reads nothing`,
    value: `${peak.toFixed(1)} MB (${written < garbageMiB * MiB ? 'the server stopped reading' : 'the server was still reading'} after ${(stalledAt / MiB).toFixed(2)} MB)`,
    target: '≤ 150 MB',
    met: peak <= 150,
  };
  if (!first.met) {
    // No backpressure: its backlog would take minutes to read.
    child.kill();
    await exited;
    return [first];
  }
  // Read again, then one ping after the backlog.
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
  child.stdin.write('{"jsonrpc":"2.0","id":"end","method":"ping"}\n');
  await answered;
  const ms = performance.now() - started;
  child.stdin.end();
  await exited;
  return [
    first,
    {
      figure: `stdio: reading again, the backlog answered (${replies} replies) and then a ping`,
      value: `${(ms / 1000).toFixed(1)} s`,
    },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const row of await backpressure()) console.log(JSON.stringify(row));
}
