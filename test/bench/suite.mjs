// The measurements, run under one Node (the one running this file: run.mjs starts it once with Node
// 20 and once with Node 24, each with a minimal environment). Every child it starts (servers,
// baselines, simulators) uses the same Node. Prints its rows as one JSON line on stdout.
//   node test/bench/suite.mjs '{"only":["cold",…],"soakCalls":8000}'
import { callOverhead } from './call-overhead.mjs';
import { coldStart } from './cold-start.mjs';
import { fanOut } from './fan-out.mjs';
import { firstCalls } from './first-call.mjs';
import { httpLoad } from './http-load-figures.mjs';
import { inventory } from './inventory.mjs';
import { configDir } from './lib/config.mjs';
import { startSimProcess } from './lib/sim.mjs';
import { afterCalls, afterInventories, soak } from './memory.mjs';
import { packageFigures } from './package.mjs';
import { replicaScaling } from './replicas.mjs';
import { toolListSize } from './tool-list-size.mjs';

const GUESTS = 10_000;
const opts = JSON.parse(process.argv[2] ?? '{}');
const want = (name) => !opts.only || opts.only.includes(name);

const sims = [];
const sim = async (o) => {
  const s = await startSimProcess(o);
  sims.push(s);
  return s;
};
const rows = [];
const section = async (name, title, fn) => {
  if (!want(name)) return;
  process.stderr.write(`bench (node ${process.versions.node}): ${title}…\n`);
  const t = Date.now();
  for (const row of await fn()) rows.push({ section: title, ...row });
  process.stderr.write(
    `bench (node ${process.versions.node}): ${title} took ${((Date.now() - t) / 1000).toFixed(0)} s\n`,
  );
};
try {
  const demo = await sim({});
  const demoDir = configDir({ demo });
  let big;
  const bigSim = async () => (big ??= await sim({ seed: { guests: GUESTS } }));
  await section('tools', 'tools/list size', () => toolListSize({ cwd: demoDir }));
  await section('cold', 'cold start', () => coldStart({ cwd: demoDir }));
  await section('calls', 'per-call overhead', () =>
    callOverhead({ cwd: demoDir, sim: demo, calls: opts.calls ?? 500 }),
  );
  await section('first', 'first call', () => firstCalls({ cwd: demoDir, sim: demo }));
  await section('memory', 'memory', () => afterCalls({ cwd: demoDir, calls: 300 }));
  await section('inventory', 'inventory', async () => {
    const dir = configDir({ big: await bigSim() });
    return [
      ...(await inventory({ cwd: dir, guests: GUESTS })),
      ...(await afterInventories({ cwd: dir, guests: GUESTS })),
    ];
  });
  await section('soak', 'soak', () => soak({ cwd: demoDir, calls: opts.soakCalls ?? 40_000 }));
  await section('fanout', 'fan-out', async () => {
    const hanging = await sim({ faults: [{ kind: 'hang' }] });
    return fanOut({ healthy: demo, hanging });
  });
  await section('http', 'HTTP', () => httpLoad({ cwd: demoDir }));
  await section('replicas', 'replicas', () =>
    replicaScaling({ cwd: demoDir, calls: opts.replicaCalls ?? 100 }),
  );
  await section('package', 'package', () => packageFigures());
} finally {
  await Promise.all(sims.map((s) => s.close()));
}
process.stdout.write(JSON.stringify({ node: process.version, rows }) + '\n');
