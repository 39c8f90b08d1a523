// Replicas: what scaling out buys on this machine. 1 and then 3 `proxmox-mcp sse --stateless` processes
// behind the same round-robin proxy (lib/balancer.mjs in a process of its own, as in
// test/http/replicas.test.ts), N concurrent Streamable HTTP SDK clients × M list_nodes each
// (http-load.mjs) against the simulator process. Rounds alternate 1, 3, 1, 3 so drift in the
// machine's load hits both alike; the figures are medians over the rounds (3 by default).
// Every process shares the machine's cores (os.cpus()): clients, proxy, simulator and replicas.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cleanEnv } from './lib/env.mjs';
import { median } from './lib/stats.mjs';
import { startSse } from './http-load-figures.mjs';
import { runHttpLoad } from './http-load.mjs';

const BALANCER = fileURLToPath(new URL('./lib/balancer-child.mjs', import.meta.url));

function startReplica(cwd, token) {
  return startSse(cwd, token, [], ['--stateless']);
}

async function startProxy(urls) {
  const child = spawn(process.execPath, [BALANCER, JSON.stringify(urls)], {
    env: cleanEnv(),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`balancer exited ${code}`)));
  });
  return {
    url: JSON.parse(line).url,
    close: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.stdin.end();
      }),
  };
}

async function stop(child) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

/** One round: `count` replicas behind the proxy, warmed up, then the measured load. */
async function round({ cwd, count, clients, calls }) {
  const token = randomBytes(24).toString('hex');
  const replicas = await Promise.all(Array.from({ length: count }, () => startReplica(cwd, token)));
  const proxy = await startProxy(replicas.map((r) => r.url));
  try {
    const headers = { Authorization: `Bearer ${token}` };
    // Every replica loads undici and opens its connection to the simulator before the clock starts.
    await runHttpLoad({ url: proxy.url, headers, clients: 2 * count, calls: 5 });
    return await runHttpLoad({
      url: proxy.url,
      headers,
      clients,
      calls,
      check: (res) => (res.structuredContent?.nodes?.length ? undefined : 'no nodes in the result'),
    });
  } finally {
    await proxy.close();
    await Promise.all(replicas.map((r) => stop(r.child)));
  }
}

export async function replicaScaling({ cwd, clients = 50, calls = 100, rounds = 3, counts = [1, 3] }) {
  const results = new Map(counts.map((c) => [c, []]));
  for (let r = 0; r < rounds; r++)
    for (const count of counts) results.get(count).push(await round({ cwd, count, clients, calls }));
  const figure = (rs) => ({
    perSec: median(rs.map((x) => x.callsPerSec)),
    p50: median(rs.map((x) => x.p50Ms)),
    p99: median(rs.map((x) => x.p99Ms)),
    errors: rs.reduce((n, x) => n + x.errors + x.wrong, 0),
    failures: rs.flatMap((x) => x.failures),
    each: rs.map((x) => `${x.callsPerSec.toFixed(0)}/s p99 ${x.p99Ms.toFixed(0)} ms`).join('; '),
  });
  const figs = new Map(counts.map((c) => [c, figure(results.get(c))]));
  const rows = counts.map((count) => {
    const f = figs.get(count);
    return {
      figure: `${count} replica${count > 1 ? 's' : ''} (sse --stateless) behind a round-robin proxy, ${clients} clients × ${calls} list_nodes`,
      value: `${f.perSec.toFixed(0)} calls/s, p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms (rounds: ${f.each})`,
    };
  });
  const [one, many] = [figs.get(counts[0]), figs.get(counts.at(-1))];
  rows.push({
    figure: `${counts.at(-1)} replicas vs ${counts[0]}: throughput, p99`,
    value: `×${(many.perSec / one.perSec).toFixed(2)} calls/s, p99 ×${(many.p99 / one.p99).toFixed(2)} (${os.cpus().length} CPU cores shared by clients, proxy, simulator and replicas)`,
  });
  const errors = [...figs.values()].reduce((n, f) => n + f.errors, 0);
  const firstFailure = [...figs.values()].flatMap((f) => f.failures)[0];
  rows.push({
    figure: 'replica runs: errors / wrong results',
    value: `${errors}${firstFailure ? ` (${firstFailure})` : ''}`,
    target: '0',
    met: errors === 0,
  });
  return rows;
}
