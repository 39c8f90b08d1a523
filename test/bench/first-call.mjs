// The first call of a session, as a user meets it: the server started, initialize answered (and
// `initialized` sent), then the first tool call, after 1 s of idle (a person typing) or at once.
// After `initialized` the server warms up in the background (src/clusters/warm-up.ts): request code,
// a checked connection, the schema from the disk cache or the cluster. Each run is a fresh process;
// the schema cache is a directory of the bench's own, cold (empty) or warm (filled by a first run).
// /version requests are counted per session from the simulator's log: one per schema load at most.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { cleanEnv } from './lib/env.mjs';
import { startStdio } from './lib/stdio-session.mjs';
import { median } from './lib/stats.mjs';

const VERSION_PATH = '/api2/json/version';

async function firstCall({ cwd, sim, cacheHome, idleMs, tool, args }) {
  const before = await sim.stats();
  const s = startStdio({ cwd, env: cleanEnv({ XDG_CACHE_HOME: cacheHome }) });
  await s.initialize();
  if (idleMs) await sleep(idleMs);
  const t = performance.now();
  await s.call(tool, args);
  const ms = performance.now() - t;
  // Let a warm-up still in flight finish, so its requests are counted with this session.
  await sleep(200);
  await s.close();
  const after = await sim.stats();
  const versions = (after.paths[VERSION_PATH] ?? 0) - (before.paths[VERSION_PATH] ?? 0);
  return { ms, versions };
}

const freshCache = () => mkdtempSync(path.join(os.tmpdir(), 'pmcp-bench-schema-'));

export async function firstCalls({ cwd, sim, runs = 7 }) {
  const api = { tool: 'proxmox_api_call', args: { method: 'GET', path: '/nodes' } };
  const nodes = { tool: 'list_nodes', args: {} };
  const warmCache = freshCache();
  await firstCall({ cwd, sim, cacheHome: warmCache, idleMs: 0, ...api }); // fills the cache
  const series = {
    listIdle: [],
    apiWarmIdle: [],
    apiColdIdle: [],
    apiColdNow: [],
  };
  let maxVersions = 0;
  for (let i = 0; i < runs; i++) {
    const runsOf = [
      ['listIdle', { cacheHome: warmCache, idleMs: 1000, ...nodes }],
      ['apiWarmIdle', { cacheHome: warmCache, idleMs: 1000, ...api }],
      ['apiColdIdle', { cacheHome: freshCache(), idleMs: 1000, ...api }],
      ['apiColdNow', { cacheHome: freshCache(), idleMs: 0, ...api }],
    ];
    for (const [key, o] of runsOf) {
      const r = await firstCall({ cwd, sim, ...o });
      series[key].push(r.ms);
      maxVersions = Math.max(maxVersions, r.versions);
    }
  }
  const m = (k) => median(series[k]);
  return [
    {
      figure: 'first list_nodes after initialize + 1 s idle',
      value: `${m('listIdle').toFixed(1)} ms (median of ${runs} sessions)`,
      target: '≤ 15 ms',
      met: m('listIdle') <= 15,
    },
    {
      figure: 'first proxmox_api_call, warm schema cache, after 1 s idle',
      value: `${m('apiWarmIdle').toFixed(1)} ms`,
      target: '≤ 20 ms',
      met: m('apiWarmIdle') <= 20,
    },
    {
      figure: 'first proxmox_api_call, cold schema cache, after 1 s idle',
      value: `${m('apiColdIdle').toFixed(1)} ms`,
    },
    {
      figure: 'first proxmox_api_call, cold schema cache, right after initialize',
      value: `${m('apiColdNow').toFixed(1)} ms`,
    },
    {
      figure: '/version requests per session (one schema load each)',
      value: `at most ${maxVersions} (of ${runs * 4} sessions)`,
      target: '≤ 1',
      met: maxVersions <= 1,
    },
  ];
}
