// Benchmarks: `npm run bench` (builds first). Drives the BUILT server as a client does, against PVE
// simulators running in their own processes, and prints one table: figure, measured value, target and
// whether it is met. Figures are medians over repeated runs; ratios are measured side by side in the
// same run. Nothing here asserts, so a slow machine never turns CI red; the targets are in the table.
//   node test/bench/run.mjs [--only cold,calls,inventory,fanout,http,memory,package] [--markdown]
import os from 'node:os';
import { callOverhead } from './call-overhead.mjs';
import { coldStart } from './cold-start.mjs';
import { fanOut } from './fan-out.mjs';
import { httpLoad } from './http-load-figures.mjs';
import { inventory } from './inventory.mjs';
import { configDir } from './lib/config.mjs';
import { startSimProcess } from './lib/sim.mjs';
import { stdioMemory } from './memory.mjs';
import { packageFigures } from './package.mjs';

const GUESTS = 10_000;
const argv = process.argv.slice(2);
const only = argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const markdown = argv.includes('--markdown');
const want = (name) => !only || only.includes(name);

async function main() {
  const sims = [];
  const sim = async (opts) => {
    const s = await startSimProcess(opts);
    sims.push(s);
    return s;
  };
  const rows = [];
  const section = async (name, title, fn) => {
    if (!want(name)) return;
    process.stderr.write(`bench: ${title}…\n`);
    for (const row of await fn()) rows.push({ section: title, ...row });
  };
  try {
    const demo = await sim({});
    const demoDir = configDir({ demo });
    await section('cold', 'cold start', () => coldStart({ cwd: demoDir }));
    await section('calls', 'call overhead', () => callOverhead({ cwd: demoDir, sim: demo, calls: 500 }));
    await section('inventory', 'inventory', async () => {
      const big = await sim({ seed: { guests: GUESTS } });
      return inventory({ cwd: configDir({ big }), guests: GUESTS });
    });
    await section('fanout', 'fan-out', async () => {
      const hanging = await sim({ faults: [{ kind: 'hang' }] });
      return fanOut({ healthy: demo, hanging });
    });
    await section('http', 'HTTP', () => httpLoad({ cwd: demoDir }));
    await section('memory', 'memory', () => stdioMemory({ cwd: demoDir }));
    await section('package', 'package', () => packageFigures());
  } finally {
    await Promise.all(sims.map((s) => s.close()));
  }
  print(rows);
}

function print(rows) {
  const header = `proxmox-mcp bench — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}`;
  const cells = rows.map((r) => [
    r.figure,
    r.value,
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  const head = ['figure', 'measured', 'target', 'met'];
  if (markdown) {
    console.log(`${header}\n`);
    console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
    for (const c of cells) console.log(`| ${c.map((x) => x.replaceAll('|', '\\|')).join(' | ')} |`);
    return;
  }
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) =>
    c
      .map((x, i) => x.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  console.log(header);
  console.log(line(head));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const c of cells) console.log(line(c));
  const missed = rows.filter((r) => r.met === false);
  console.log(
    missed.length
      ? `\n${missed.length} target(s) not met: ${missed.map((r) => r.figure).join('; ')}`
      : '\nevery target met',
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
