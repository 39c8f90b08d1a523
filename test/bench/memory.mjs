// Memory of a stdio session (RSS of the server process, from /proc): after a few hundred mixed calls,
// after five 10,000-guest inventories, and over a long soak of mixed calls, the day a desktop client
// keeps the server running, with the RSS curve printed.
import { startStdio } from './lib/stdio-session.mjs';
import { median } from './lib/stats.mjs';

const MIX = [
  ['list_nodes', {}],
  ['get_cluster_resources', { type: 'vm' }],
  ['proxmox_api_call', { method: 'GET', path: '/version' }],
  ['get_guest', { vmid: 100 }],
  ['list_clusters', {}],
];

/** RSS after `calls` mixed calls, in fresh sessions; one sample is at the mercy of when V8 last collected. */
export async function afterCalls({ cwd, calls = 300, sessions = 3 }) {
  const idle = [];
  const after = [];
  for (let n = 0; n < sessions; n++) {
    const s = startStdio({ cwd });
    await s.initialize();
    await s.request('tools/list', {});
    idle.push(s.rssMiB());
    for (let i = 0; i < calls; i++) {
      const [name, args] = MIX[i % MIX.length];
      await s.call(name, args);
    }
    after.push(s.rssMiB());
    await s.close();
  }
  const m = median(after);
  return [
    { figure: 'stdio RSS after initialize + tools/list', value: `${median(idle).toFixed(1)} MB` },
    {
      figure: `stdio RSS after ${calls} mixed calls (median of ${sessions} sessions)`,
      value: `${m.toFixed(1)} MB (${after.map((x) => x.toFixed(0)).join(', ')})`,
      target: '≤ 80 MB',
      met: m <= 80,
    },
  ];
}

export async function afterInventories({ cwd, guests, times = 5 }) {
  const s = startStdio({ cwd });
  await s.initialize();
  let peak = 0;
  for (let i = 0; i < times; i++) {
    await s.call('get_cluster_resources', {});
    peak = Math.max(peak, s.rssMiB());
  }
  const after = s.rssMiB();
  await s.close();
  return [
    {
      figure: `stdio RSS after ${times} inventories of ${guests} guests (peak seen)`,
      value: `${after.toFixed(1)} MB (${peak.toFixed(1)} MB)`,
      target: '≤ 110 MB',
      met: after <= 110,
    },
  ];
}

/** list_nodes, a 20-row inventory page, a guest config read, get_guest: in turn, `calls` in all. */
export async function soak({ cwd, calls, points = 20 }) {
  const s = startStdio({ cwd });
  await s.initialize();
  const guest = (await s.call('get_guest', { vmid: 100 })).structuredContent ?? {};
  const node = guest.node ?? guest.guest?.node;
  if (!node) throw new Error(`get_guest 100 named no node: ${JSON.stringify(guest).slice(0, 200)}`);
  const mix = [
    ['list_nodes', {}],
    ['get_cluster_resources', { type: 'vm', limit: 20 }],
    ['proxmox_api_call', { method: 'GET', path: `/nodes/${node}/qemu/100/config` }],
    ['get_guest', { vmid: 100 }],
  ];
  const every = Math.max(1, Math.floor(calls / points));
  const curve = [[0, s.rssMiB()]];
  let peak = curve[0][1];
  const started = Date.now();
  for (let i = 1; i <= calls; i++) {
    const [name, args] = mix[i % mix.length];
    await s.call(name, args);
    // The peak between printed points counts too: sampled every 250 calls.
    if (i % 250 === 0) peak = Math.max(peak, s.rssMiB());
    if (i % every === 0) curve.push([i, s.rssMiB()]);
  }
  const secs = (Date.now() - started) / 1000;
  await s.close();
  const k = (n) => (n >= 1000 ? `${(n / 1000).toFixed(n % 1000 ? 1 : 0)}k` : String(n));
  return [
    {
      figure: `soak: ${calls} mixed calls, RSS curve in MB (calls:MB)`,
      value: `${curve.map(([n, mb]) => `${k(n)}:${mb.toFixed(0)}`).join(' ')} (${(calls / secs).toFixed(0)} calls/s)`,
    },
    {
      figure: 'soak: highest RSS seen (every 250 calls)',
      value: `${peak.toFixed(1)} MB`,
      target: '≤ 100 MB',
      met: peak <= 100,
    },
  ];
}
