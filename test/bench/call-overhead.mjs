// Per-call overhead as a user measures it: the SDK's Client + StdioClientTransport calling the built
// server (which calls the simulator), interleaved call by call with the same request made directly
// with a keep-alive HTTPS client (undici's request(), body read and JSON.parse'd), so both see the same
// machine state. The ratio of medians is the figure; the MCP ping floor shows the protocol's share.
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { connectClient } from './lib/mcp-client.mjs';
import { median, percentile } from './lib/stats.mjs';

function directClient(sim) {
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false }, keepAliveTimeout: 30_000 });
  const headers = { Authorization: `PVEAPIToken=root@pam!mcp=${sim.secret}`, Accept: 'application/json' };
  return {
    async get(path) {
      const res = await request(`${sim.url}/api2/json${path}`, { dispatcher, headers });
      const body = JSON.parse(await res.body.text());
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

export async function callOverhead({ cwd, sim, calls = 500 }) {
  const s = await connectClient({ cwd });
  const direct = directClient(sim);
  const pairs = [
    ['list_nodes', () => s.call('list_nodes', {}), () => direct.get('/nodes')],
    [
      'proxmox_api_call GET /nodes',
      () => s.call('proxmox_api_call', { method: 'GET', path: '/nodes' }),
      () => direct.get('/nodes'),
    ],
  ];
  // Warm-up: the first calls load the request code, read the schema, open the connections.
  for (const [, viaMcp, viaDirect] of pairs)
    for (let i = 0; i < 30; i++) await Promise.all([viaMcp(), viaDirect()]);
  const before = await sim.stats();
  const rows = [];
  const ping = [];
  for (let i = 0; i < calls; i++) ping.push(await timed(() => s.client.ping()));
  rows.push({
    figure: `MCP ping round trip (SDK client, no tool), ${calls}`,
    value: `p50 ${median(ping).toFixed(3)} ms`,
  });
  for (const [name, viaMcp, viaDirect] of pairs) {
    const mcp = [];
    const raw = [];
    for (let i = 0; i < calls; i++) {
      raw.push(await timed(viaDirect));
      mcp.push(await timed(viaMcp));
    }
    const ratio = median(mcp) / median(raw);
    const main = name === 'list_nodes';
    rows.push(
      {
        figure: `${name}: direct keep-alive GET vs through MCP (p50, ${calls} each)`,
        value: `${median(raw).toFixed(3)} ms vs ${median(mcp).toFixed(3)} ms (p99 ${percentile(raw, 99).toFixed(2)} / ${percentile(mcp, 99).toFixed(2)})`,
      },
      {
        figure: `${name}: per call, MCP ÷ direct`,
        value: `${ratio.toFixed(2)}×`,
        ...(main ? { target: '≤ 2.2×', met: ratio <= 2.2 } : {}),
      },
    );
  }
  const after = await sim.stats();
  if (after.connections !== null) {
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
