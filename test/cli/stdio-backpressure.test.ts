import { readFileSync } from 'node:fs';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { createServer } from '../../src/server.js';
import { serveStdio } from '../../src/transports/stdio.js';
import { buildRuntime } from '../../src/runtime.js';
import { assertBuilt, envFor, startCli } from '../helpers/cli.js';
import { clusterConfigFor } from '../helpers/harness.js';

/**
 * Observation 6 of issue 12: a client that keeps writing (malformed lines here: each costs a reply
 * some 45 times its size) and never reads stdout made the server queue every reply, from 57 MB to over
 * 450 MB and rising. Now the server stops reading stdin while stdout does not drain, so its memory
 * stays bounded, and once the client reads again every line is still answered, in order.
 */

let sim: Simulator;
beforeAll(async () => {
  assertBuilt();
  sim = await startSimulator();
});
afterAll(async () => sim?.close());

const GARBAGE_BYTES = 50 * 1024 * 1024;
const RSS_LIMIT_MB = 150;
const LINE = 'x\n'; // not JSON: answered with -32700 (about 90 bytes)

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

it('a client that writes without reading cannot grow the server without bound; reading again, every line is answered', async () => {
  const child = startCli([], envFor(sim));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  // stdout is not read: no 'data' listener, the pipe fills and stays full.
  const chunk = Buffer.from(LINE.repeat(32 * 1024));
  let written = 0;
  let peak = 0;
  const sample = () => (peak = Math.max(peak, rssMiB(child.pid!)));
  const sampler = setInterval(sample, 50);
  try {
    // Write until all 50 MB are in or the server stops taking them (no 'drain' for 3 s; a busy server drains sooner).
    while (written < GARBAGE_BYTES && peak < RSS_LIMIT_MB) {
      if (!child.stdin.write(chunk)) {
        const drained = await Promise.race([
          new Promise<boolean>((r) => child.stdin.once('drain', () => r(true))),
          new Promise<boolean>((r) => setTimeout(() => r(false), 3_000)),
        ]);
        written += chunk.length;
        if (!drained) break;
      } else written += chunk.length;
    }
    // Give a server that would still be queueing the time to show it.
    for (let i = 0; i < 20 && peak < RSS_LIMIT_MB; i++) await new Promise((r) => setTimeout(r, 50));
    sample();
  } finally {
    clearInterval(sampler);
  }
  expect(
    peak,
    `peak RSS ${peak.toFixed(0)} MB after ${(written / 1024 / 1024).toFixed(1)} MB written`,
  ).toBeLessThan(RSS_LIMIT_MB);
  // It stopped taking input long before 50 MB: that is the backpressure.
  expect(written).toBeLessThan(GARBAGE_BYTES);

  // Reading again: every garbage line is answered, then a ping written after them.
  let lines = 0;
  let parseErrors = 0;
  let pong = false;
  let rest = '';
  child.stdout.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop()!;
    for (const p of parts) {
      lines++;
      const m = JSON.parse(p) as { id: unknown; error?: { code: number }; result?: unknown };
      if (m.error?.code === -32700 && m.id === null) parseErrors++;
      if (m.id === 'after' && m.result) pong = true;
    }
  });
  child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id: 'after', method: 'ping' }) + '\n');
  const deadline = Date.now() + 30_000;
  while (!pong && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(pong).toBe(true);
  expect(parseErrors).toBe(written / LINE.length);
  expect(lines).toBe(parseErrors + 1);
  // stderr did not get one line per garbage line either.
  expect(stderr.split('\n').filter((l) => l.includes('stdin:')).length).toBeLessThan(40);
  child.stdin.end();
  expect(await exited).toBe(0);
}, 60_000);

it('replies owed beyond the queue limit end the session, with a message on stderr', async () => {
  const runtime = buildRuntime(
    { source: 'test', defaultCluster: 'demo', clusters: [clusterConfigFor('demo', sim)] },
    { writeLog: () => {}, schemaCacheDir: null },
  );
  const server = createServer({ registry: runtime.registry, logger: runtime.logger });
  const stdin = new PassThrough();
  // A client that never reads: writes are accepted into the queue and never complete.
  const stdout = new Writable({ highWaterMark: 1024, write: () => {} });
  const problems: string[] = [];
  const served = serveStdio(server, stdin, stdout, {
    maxQueuedBytes: 16 * 1024,
    onProblem: (m) => problems.push(m),
  });
  // One chunk of 2,000 pings: all read before the first reply blocks, so 2,000 replies are owed.
  stdin.write(
    Array.from({ length: 2000 }, (_, i) => JSON.stringify({ jsonrpc: '2.0', id: i, method: 'ping' })).join(
      '\n',
    ) + '\n',
  );
  await served;
  await runtime.registry.close();
  expect(problems.join('\n')).toMatch(
    /stdout: the client stopped reading; \d+ [KM]B of replies are unread \(limit 16 KB\): ending the session/,
  );
  expect(stdout.writableLength).toBeLessThan(16 * 1024 + 1024);
});
