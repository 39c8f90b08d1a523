// Benchmarks: `npm run bench` (builds first). Drives the BUILT server as a client does, against PVE
// simulators in their own processes, and prints one table: figure, measured value, target, met.
// The measurements (suite.mjs) run once under Node 20 (the Node running this) and once under Node 24
// (the `node` npm package's binary pinned in test/node24/, installed on first use by
// ../helpers/node24.mjs), each started with a minimal environment (PATH, HOME; lib/env.mjs says why),
// and so is every child they start. Figures are medians; ratios are measured side by side in the same
// run. Nothing asserts: the targets are in the table.
//   node test/bench/run.mjs [--only=tools,cold,calls,first,memory,inventory,soak,fanout,http,replicas,package]
//                           [--node=20,24] [--soak=CALLS] [--calls=N] [--replica-calls=N] [--markdown]
// One section alone: e.g. `npm run build && node test/bench/run.mjs --only=replicas --node=20 --markdown`.
// --soak: length of the mixed-call soak per Node; default 40,000 calls, the issue's figure (about 80 s per
// Node at ~500 calls/s on a busy 2-core machine); --soak=8000 for a quicker look.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { cleanEnv } from './lib/env.mjs';
import { ensureNode24 } from '../helpers/node24.mjs';

const SUITE = fileURLToPath(new URL('./suite.mjs', import.meta.url));
/** Measured once (on the first Node): they do not depend on it, or are about the package. */
const ONCE = new Set(['tools', 'fanout', 'http', 'replicas', 'package']);

const argv = process.argv.slice(2);
const flag = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const only = flag('only')?.split(',');
const nodes = (flag('node') ?? '20,24').split(',');
const soakCalls = Number(flag('soak') ?? 40_000);
const calls = Number(flag('calls') ?? 500);
/** Calls per client in the replicas section (50 clients; default 100, the replica test's figure). */
const replicaCalls = Number(flag('replica-calls') ?? 100);
const markdown = argv.includes('--markdown');
const ALL = [
  'tools',
  'cold',
  'calls',
  'first',
  'memory',
  'inventory',
  'soak',
  'fanout',
  'http',
  'replicas',
  'package',
];

function runSuite(bin, sections) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [SUITE, JSON.stringify({ only: sections, soakCalls, calls, replicaCalls })], {
      // The machine's environment goes along in one variable, for the one row that measures with it.
      env: cleanEnv({ PMCP_BENCH_MACHINE_ENV: JSON.stringify(process.env) }),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop();
      if (code !== 0 || !line) return reject(new Error(`bench suite under ${bin} exited ${code}`));
      resolve(JSON.parse(line));
    });
  });
}

async function main() {
  const wanted = only ?? ALL;
  const results = [];
  for (const [i, n] of nodes.entries()) {
    const sections = wanted.filter((s) => i === 0 || !ONCE.has(s));
    if (!sections.length) continue;
    let bin = process.execPath;
    if (n === '24') {
      try {
        bin = ensureNode24().node;
      } catch (err) {
        results.push({
          node: 'Node 24',
          rows: [{ section: '-', figure: 'Node 24 not available', value: String(err.message).slice(0, 200) }],
        });
        continue;
      }
    } else if (n !== process.versions.node.split('.')[0]) {
      throw new Error(`--node=${n}: run the bench with that Node, or use 24 (installed on demand)`);
    }
    results.push(await runSuite(bin, sections));
  }
  print(results);
}

function print(results) {
  const header = `proxmox-mcp bench — ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} at the end; children started with a minimal environment`;
  const rows = results.flatMap((r) => r.rows.map((row) => ({ node: r.node, ...row })));
  const cells = rows.map((r) => [
    r.node,
    r.figure,
    r.value,
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  const head = ['node', 'figure', 'measured', 'target', 'met'];
  if (markdown) {
    console.log(`${header}\n`);
    console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
    for (const c of cells) console.log(`| ${c.map((x) => x.replaceAll('|', '\\|')).join(' | ')} |`);
  } else {
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
  }
  const missed = rows.filter((r) => r.met === false);
  console.log(
    missed.length
      ? `\n${missed.length} target(s) not met: ${missed.map((r) => `${r.figure} (${r.node})`).join('; ')}`
      : '\nevery target met',
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
