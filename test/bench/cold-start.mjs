// Cold start: spawn → initialize answered → tools/list answered, side by side with a bare `node`
// script doing the same exchange (lib/bare-responder.mjs), alternating so machine noise hits both
// alike. Both start with a minimal environment (lib/env.mjs); one more pair runs with the machine's
// environment, labelled, because that is what a developer typing the command in a shell would see.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { cleanEnv, machineEnv, machineEnvNotes } from './lib/env.mjs';
import { startStdio } from './lib/stdio-session.mjs';
import { median } from './lib/stats.mjs';

const BARE = fileURLToPath(new URL('./lib/bare-responder.mjs', import.meta.url));

async function exchange(cwd, env, script) {
  const t0 = performance.now();
  const s = startStdio({ cwd, env, ...(script ? { script } : {}) });
  await s.initialize();
  const init = performance.now() - t0;
  const list = await s.request('tools/list', {});
  const listed = performance.now() - t0;
  if (!list.result?.tools?.length) throw new Error(`tools/list returned no tools: ${s.stderr()}`);
  await s.close();
  return { init, listed };
}

async function pairs(cwd, env, runs) {
  await exchange(cwd, env, BARE);
  await exchange(cwd, env);
  const bare = [];
  const init = [];
  const listed = [];
  for (let i = 0; i < runs; i++) {
    bare.push((await exchange(cwd, env, BARE)).listed);
    const r = await exchange(cwd, env);
    init.push(r.init);
    listed.push(r.listed);
  }
  return { bare: median(bare), init: median(init), listed: median(listed) };
}

export async function coldStart({ cwd, runs = 20 }) {
  const clean = await pairs(cwd, cleanEnv(), runs);
  const machine = await pairs(cwd, machineEnv(), Math.max(5, Math.round(runs / 2)));
  const ratio = clean.listed / clean.bare;
  const notes = machineEnvNotes();
  return [
    { figure: 'bare node: initialize → tools/list answered', value: `${clean.bare.toFixed(1)} ms` },
    { figure: 'server: spawn → initialize answered', value: `${clean.init.toFixed(1)} ms` },
    { figure: 'server: spawn → tools/list answered', value: `${clean.listed.toFixed(1)} ms` },
    {
      figure: 'cold start ÷ bare node (clean env)',
      value: `${ratio.toFixed(2)}×`,
      target: '≤ 3×',
      met: ratio <= 3,
    },
    {
      figure: `cold start ÷ bare node, this machine's env${notes ? ` (has ${notes})` : ''}`,
      value: `${(machine.listed / machine.bare).toFixed(2)}× (${machine.listed.toFixed(1)} / ${machine.bare.toFixed(1)} ms)`,
    },
  ];
}
