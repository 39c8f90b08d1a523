// Fan-out: list_clusters over 20 configured clusters where one never answers. The probe bound is 5 s
// (src/tools/list-clusters.ts); the call must return within it plus 10% with the other 19 reported.
import { performance } from 'node:perf_hooks';
import { configDir } from './lib/config.mjs';
import { startStdio } from './lib/stdio-session.mjs';

const PROBE_BOUND_MS = 5_000;

export async function fanOut({ healthy, hanging }) {
  const clusters = { stuck: { ...hanging, timeoutMs: 30_000 } };
  for (let i = 1; i <= 19; i++) clusters[`c${String(i).padStart(2, '0')}`] = healthy;
  const s = startStdio({ cwd: configDir(clusters, { default: 'c01' }) });
  await s.initialize();
  const t0 = performance.now();
  const r = await s.request('tools/call', { name: 'list_clusters', arguments: {} });
  const ms = performance.now() - t0;
  await s.close();
  const rows = r.result?.structuredContent?.clusters ?? [];
  const ok = rows.filter((c) => c.reachable).length;
  const stuck = rows.find((c) => c.name === 'stuck');
  return [
    {
      figure: 'list_clusters, 20 clusters, 1 never answers',
      value: `${ms.toFixed(0)} ms; ${ok} reachable; stuck: ${stuck?.reachable === false ? 'reported unreachable' : 'NOT reported'}`,
      target: `≤ ${(PROBE_BOUND_MS * 1.1).toFixed(0)} ms, 19 reported`,
      met: ms <= PROBE_BOUND_MS * 1.1 && ok === 19 && stuck?.reachable === false,
    },
  ];
}
