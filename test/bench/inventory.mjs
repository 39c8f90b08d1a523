// Inventory: get_cluster_resources on a simulated cluster with 10,000 guests, over stdio. The default
// answer must be small (text and structuredContent are both sent) and every guest reachable by paging.
import { performance } from 'node:perf_hooks';
import { startStdio } from './lib/stdio-session.mjs';
import { median } from './lib/stats.mjs';

export async function inventory({ cwd, guests, runs = 15 }) {
  const s = startStdio({ cwd });
  await s.initialize();
  await s.call('get_cluster_resources', {});
  const times = [];
  let bytes = 0;
  let textBytes = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = await s.requestSized('tools/call', { name: 'get_cluster_resources', arguments: {} });
    times.push(performance.now() - t);
    if (r.msg.result?.isError) throw new Error(JSON.stringify(r.msg.result.content));
    bytes = r.bytes;
    textBytes = Buffer.byteLength(r.msg.result.content.map((c) => c.text ?? '').join(''));
  }
  // Page through every guest with the tool's own paging and count distinct VMIDs.
  const seen = new Set();
  const tPage = performance.now();
  let pages = 0;
  let args = { type: 'vm', limit: 2000, fields: ['vmid'] };
  for (;;) {
    const r = await s.call('get_cluster_resources', args);
    pages++;
    const sc = r.structuredContent ?? {};
    for (const row of sc.resources ?? sc.rows ?? []) if (row.vmid !== undefined) seen.add(row.vmid);
    const next = sc.next_offset ?? sc.page?.next_offset ?? sc.next?.offset;
    if (next === undefined || next === null || pages > 1000) break;
    args = { ...args, offset: next };
  }
  const pageMs = performance.now() - tPage;
  await s.close();
  const t = median(times);
  return [
    {
      figure: `get_cluster_resources, ${guests} guests, default answer`,
      value: `${t.toFixed(1)} ms median of ${runs}`,
      target: '< 300 ms',
      met: t < 300,
    },
    {
      figure: 'get_cluster_resources default answer size (JSON-RPC line)',
      value: `${(bytes / 1024).toFixed(1)} KB (text ${(textBytes / 1024).toFixed(1)} KB)`,
      target: '≤ 20 KB',
      met: bytes <= 20 * 1024,
    },
    {
      figure: `paging through all guests (type vm, limit 2000, fields vmid)`,
      value: `${seen.size} distinct VMIDs in ${pages} pages, ${pageMs.toFixed(0)} ms`,
      target: `${guests} reachable`,
      met: seen.size === guests,
    },
  ];
}
