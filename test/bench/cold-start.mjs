// Cold start: spawn → initialize answered → tools/list answered, side by side with a bare `node -e ""`
// (spawn → exit) in the same run, alternating so machine noise hits both alike.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { startStdio } from './lib/stdio-session.mjs';
import { median } from './lib/stats.mjs';

function bareNode() {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  return new Promise((resolve) => child.once('exit', () => resolve(performance.now() - t0)));
}

async function serverStart(cwd) {
  const t0 = performance.now();
  const s = startStdio({ cwd });
  await s.initialize();
  const init = performance.now() - t0;
  const list = await s.request('tools/list', {});
  const listed = performance.now() - t0;
  if (!list.result?.tools?.length) throw new Error('tools/list returned no tools');
  await s.close();
  return { init, listed };
}

export async function coldStart({ cwd, runs = 20 }) {
  await bareNode();
  await serverStart(cwd);
  const bare = [];
  const init = [];
  const listed = [];
  for (let i = 0; i < runs; i++) {
    bare.push(await bareNode());
    const r = await serverStart(cwd);
    init.push(r.init);
    listed.push(r.listed);
  }
  const ratio = median(listed) / median(bare);
  return [
    { figure: 'bare `node -e ""` (spawn → exit)', value: `${median(bare).toFixed(1)} ms` },
    { figure: 'cold start → initialize answered', value: `${median(init).toFixed(1)} ms` },
    { figure: 'cold start → tools/list answered', value: `${median(listed).toFixed(1)} ms` },
    { figure: 'cold start ÷ bare node', value: `${ratio.toFixed(2)}×`, target: '≤ 3×', met: ratio <= 3 },
  ];
}
