// Benchmarks: run by `npm run bench` (after a build). Prints figures; asserts nothing, so a slow
// machine never turns CI red. Drives the built binary exactly as a client does, over stdio, against
// the built-in simulated clusters (`proxmox-mcp demo`).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const CALLS = Number(process.env.BENCH_CALLS ?? 300);

function startServer(args) {
  const child = spawn(process.execPath, ['bin/proxmox-mcp.js', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let buf = '';
  const waiters = new Map();
  child.stdout.on('data', (d) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const msg = JSON.parse(line);
      waiters.get(msg.id)?.(msg);
      waiters.delete(msg.id);
    }
  });
  let id = 0;
  const request = (method, params) =>
    new Promise((resolve) => {
      const myId = ++id;
      waiters.set(myId, resolve);
      child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id: myId, method, params }) + '\n');
    });
  const notify = (method) => child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method }) + '\n');
  return { child, request, notify };
}

function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const t0 = performance.now();
  const s = startServer(['demo']);
  const init = await s.request('initialize', {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'bench', version: '1' },
  });
  const startupMs = performance.now() - t0;
  if (!init.result) throw new Error('initialize failed');
  s.notify('notifications/initialized');
  const rssStart = rssKiB(s.child.pid);

  const timeCalls = async (name, args, n) => {
    const times = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const r = await s.request('tools/call', { name, arguments: args });
      if (r.result?.isError) throw new Error(`${name} failed: ${JSON.stringify(r.result.content)}`);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { p50: pct(times, 50), p95: pct(times, 95), max: times[times.length - 1] };
  };

  const tl = performance.now();
  for (let i = 0; i < 50; i++) await s.request('tools/list', {});
  const listMs = (performance.now() - tl) / 50;
  const nodes = await timeCalls('list_nodes', {}, CALLS);
  const resources = await timeCalls('get_cluster_resources', { type: 'vm' }, CALLS);
  const star = await timeCalls('list_nodes', { cluster: '*' }, Math.floor(CALLS / 3));
  const rssEnd = rssKiB(s.child.pid);
  s.child.stdin.end();
  await new Promise((r) => s.child.on('exit', r));

  const fmt = (x) => x.toFixed(2).padStart(8);
  console.log(
    `proxmox-mcp bench (node ${process.version}, ${CALLS} calls per tool, stdio, demo simulator over HTTPS)`,
  );
  console.log(`startup to initialize result   ${fmt(startupMs)} ms (includes starting two simulators)`);
  console.log(`tools/list                     ${fmt(listMs)} ms mean`);
  for (const [name, r] of [
    ['list_nodes', nodes],
    ['get_cluster_resources vm', resources],
    ['list_nodes cluster="*"', star],
  ]) {
    console.log(`${name.padEnd(30)} p50 ${fmt(r.p50)} ms  p95 ${fmt(r.p95)} ms  max ${fmt(r.max)} ms`);
  }
  console.log(`server RSS after init          ${String(rssStart).padStart(8)} KiB`);
  console.log(
    `server RSS after all calls     ${String(rssEnd).padStart(8)} KiB (growth ${rssEnd - rssStart} KiB)`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
