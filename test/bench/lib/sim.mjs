import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('./sim-child.mjs', import.meta.url));

/** Starts a simulator process; resolves with its address and a way to ask for its counters. */
export async function startSimProcess(opts = {}) {
  const proc = spawn(process.execPath, [child, JSON.stringify(opts)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout });
  const queue = [];
  const waiting = [];
  lines.on('line', (l) => (waiting.length ? waiting.shift()(l) : queue.push(l)));
  const next = () =>
    new Promise((resolve) => (queue.length ? resolve(queue.shift()) : waiting.push(resolve)));
  const info = JSON.parse(await next());
  return {
    ...info,
    async stats() {
      proc.stdin.write('stats\n');
      return JSON.parse(await next());
    },
    close: () =>
      new Promise((resolve) => {
        proc.once('exit', resolve);
        proc.stdin.end();
      }),
  };
}
