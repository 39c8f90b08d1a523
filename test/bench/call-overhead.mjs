// Call overhead: the same Proxmox request made through an MCP stdio session and directly with a
// keep-alive HTTPS client, N calls each, interleaved in batches so both see the same machine state.
import https from 'node:https';
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

/** Node's own keep-alive agent, which the server uses too: how much of the gap is the HTTP client. */
function nodeHttpsClient(sim) {
  const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false, maxCachedSessions: 0 });
  const headers = { Authorization: `PVEAPIToken=root@pam!mcp=${sim.secret}`, Accept: 'application/json' };
  return {
    get: (path) =>
      new Promise((resolve, reject) => {
        https
          .get(`${sim.url}/api2/json${path}`, { agent, headers }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString()).data));
          })
          .on('error', reject);
      }),
    close: () => agent.destroy(),
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
  const viaNode = nodeHttpsClient(sim);
  for (let i = 0; i < 20; i++) await viaNode.get('/version');
  const before = await sim.stats();
  const rows = [];
  // The floor of any MCP call over stdio: a round trip through both pipes and the SDK, no tool.
  const ping = [];
  for (let i = 0; i < calls; i++) ping.push(await timed(() => s.request('ping', {})));
  rows.push({
    figure: `MCP stdio round trip without a tool (ping), ${calls} calls`,
    value: `p50 ${median(ping).toFixed(3)} ms`,
  });
  for (const [name, viaMcp, viaDirect] of pairs) {
    const mcp = [];
    const raw = [];
    const rawNode = [];
    const path = name === 'list_nodes' ? '/nodes' : '/version';
    for (let i = 0; i < calls; i++) {
      raw.push(await timed(viaDirect));
      rawNode.push(await timed(() => viaNode.get(path)));
      mcp.push(await timed(viaMcp));
    }
    const ratio = median(mcp) / median(raw);
    rows.push(
      {
        figure: `${name}: direct HTTPS (keep-alive), ${calls} calls`,
        value: `p50 ${median(raw).toFixed(3)} ms, p99 ${percentile(raw, 99).toFixed(3)} ms`,
      },
      {
        figure: `${name}: direct with node:https (keep-alive), ${calls} calls`,
        value: `p50 ${median(rawNode).toFixed(3)} ms`,
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
    // Three clients (the server and the two direct ones), each should have kept its one connection.
    const opened = after.connections - before.connections;
    rows.push({
      figure: `TLS handshakes during the ${calls * 6} measured requests`,
      value: String(opened),
      target: '0 (connections reused)',
      met: opened === 0,
    });
  }
  await direct.close();
  viaNode.close();
  await s.close();
  return rows;
}
