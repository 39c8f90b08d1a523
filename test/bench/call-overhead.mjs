// Call overhead: the same Proxmox request made through an MCP stdio session and directly with a
// keep-alive HTTPS client, N calls each, interleaved in batches so both see the same machine state.
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { startStdio } from './lib/stdio-session.mjs';
import { median, percentile } from './lib/stats.mjs';

function directClient(sim) {
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false }, keepAliveTimeout: 30_000 });
  const headers = { Authorization: `PVEAPIToken=root@pam!mcp=${sim.secret}`, Accept: 'application/json' };
  return {
    async get(path) {
      const res = await request(`${sim.url}/api2/json${path}`, { dispatcher, headers });
      const body = await res.body.json();
      if (res.statusCode !== 200 || !body.data) throw new Error(`direct GET ${path}: ${res.statusCode}`);
      return body.data;
    },
    close: () => dispatcher.close(),
  };
}

async function timed(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

export async function callOverhead({ cwd, sim, calls = 500, nodeArgs = [] }) {
  const s = startStdio({ cwd, nodeArgs });
  await s.initialize();
  const direct = directClient(sim);
  const pairs = [
    [
      'proxmox_api_call GET /version',
      () => s.call('proxmox_api_call', { method: 'GET', path: '/version' }),
      () => direct.get('/version'),
    ],
    ['list_nodes', () => s.call('list_nodes', {}), () => direct.get('/nodes')],
  ];
  // Warm-up: first calls load undici, fetch the API schema, open the connection.
  for (const [, viaMcp, viaDirect] of pairs)
    for (let i = 0; i < 20; i++) await Promise.all([viaMcp(), viaDirect()]);
  const before = await sim.stats();
  const rows = [];
  for (const [name, viaMcp, viaDirect] of pairs) {
    const mcp = [];
    const raw = [];
    for (let i = 0; i < calls; i++) {
      raw.push(await timed(viaDirect));
      mcp.push(await timed(viaMcp));
    }
    const ratio = median(mcp) / median(raw);
    rows.push(
      {
        figure: `${name}: direct HTTPS (keep-alive), ${calls} calls`,
        value: `p50 ${median(raw).toFixed(3)} ms, p99 ${percentile(raw, 99).toFixed(3)} ms`,
      },
      {
        figure: `${name}: through MCP stdio, ${calls} calls`,
        value: `p50 ${median(mcp).toFixed(3)} ms, p99 ${percentile(mcp, 99).toFixed(3)} ms`,
      },
      {
        figure: `${name}: MCP ÷ direct (median)`,
        value: `${ratio.toFixed(2)}×`,
        target: '≤ 1.8×',
        met: ratio <= 1.8,
      },
    );
  }
  const after = await sim.stats();
  if (after.connections !== null) {
    // Two clients (the server and the direct one), each should have kept its one connection.
    const opened = after.connections - before.connections;
    rows.push({
      figure: `TLS handshakes during the ${calls * 4} measured requests`,
      value: String(opened),
      target: '0 (connections reused)',
      met: opened === 0,
    });
  }
  await direct.close();
  await s.close();
  return rows;
}
