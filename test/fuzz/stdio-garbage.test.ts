import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN_SECRET, startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { assertBuilt, envFor, startCli } from '../helpers/cli.js';
import { garbageLine, RESULT, type GarbageLine } from './garbage-lines.js';
import { createRng, fuzzRuns, fuzzSeed } from './prng.js';
import type { JsonRpcLine } from './stdio-session.js';

// Hundreds of garbage and malformed lines into the built binary's stdin: each answerable one gets
// exactly the JSON-RPC error it calls for, stdout stays pure JSON-RPC, and afterwards the same
// process still answers a real tools/call. Replay with FUZZ_SEED=<seed>; FUZZ_RUNS=<n> sends more.

const seed = fuzzSeed();
const runs = fuzzRuns(300);
const replay = `(replay: FUZZ_SEED=${seed} FUZZ_RUNS=${runs} npx vitest run test/fuzz/stdio-garbage.test.ts)`;
const MB = 1024 * 1024;

let sim: Simulator;
beforeAll(async () => {
  assertBuilt();
  sim = await startSimulator({ taskDurationMs: 50 });
});
afterAll(async () => sim?.close());

describe(`the built binary fed garbage on stdin (seed ${seed})`, () => {
  it(
    `answers ${runs} malformed lines and several-MB lines properly, then still serves a tools/call`,
    async () => {
      const child = startCli([], envFor(sim));
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      let exited = false;
      const exit = once(child, 'exit').then(([code]) => ((exited = true), code as number | null));

      const rng = createRng(seed);
      const sent: GarbageLine[] = [];
      for (let i = 0; i < runs; i++) sent.push(garbageLine(rng, `g-${i}`));
      // Several-MB lines: over the 4 MB limit (answered once, skipped), under it (read and answered).
      sent.push({
        what: '6 MB of garbage',
        bytes: Buffer.from('x'.repeat(6 * MB) + '\n'),
        expect: { id: null, codes: [-32600] },
      });
      const bigArgs = JSON.stringify({
        jsonrpc: '2.0',
        id: 'big-args',
        method: 'tools/call',
        params: { name: 'get_guest', arguments: { vmid: 100, note: 'n'.repeat(2 * MB) } },
      });
      sent.push({
        what: '2 MB tools/call',
        bytes: Buffer.from(bigArgs + '\n'),
        expect: { id: 'big-args', codes: [RESULT] },
      });
      for (const line of sent) child.stdin.write(line.bytes);
      // A 5 MB line trickled in without its newline for a while, then ended: one answer, no growth.
      for (let i = 0; i < 20; i++) child.stdin.write('y'.repeat(MB / 4));
      child.stdin.write('\n');
      sent.push({ what: '5 MB trickled', bytes: Buffer.alloc(0), expect: { id: null, codes: [-32600] } });

      const send = (msg: unknown) => child.stdin.write(JSON.stringify(msg) + '\n');
      send({
        jsonrpc: '2.0',
        id: 'final-init',
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'fuzz', version: '1' },
        },
      });
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      send({
        jsonrpc: '2.0',
        id: 'final-call',
        method: 'tools/call',
        params: { name: 'list_nodes', arguments: {} },
      });

      const withIds = sent.filter((l) => l.expect !== 'none' && l.expect.id !== null);
      const parsed = (): JsonRpcLine[] =>
        stdout
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as JsonRpcLine);
      const deadline = Date.now() + 15_000 + runs * 5;
      for (;;) {
        const ids = new Set(parsed().map((l) => l.id));
        if (ids.has('final-call') && withIds.every((l) => ids.has((l.expect as { id: string }).id))) break;
        if (exited || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(exited, `the server exited\n${stderr.slice(-2000)}`).toBe(false);
      expect(Date.now() < deadline, `timed out waiting for the answers ${replay}`).toBe(true);

      // Every stdout line is a JSON-RPC 2.0 answer (parsed() threw already if one was not JSON).
      const lines = parsed();
      for (const l of lines) {
        expect(l.jsonrpc).toBe('2.0');
        expect(
          Object.hasOwn(l, 'result') !== Object.hasOwn(l, 'error'),
          JSON.stringify(l).slice(0, 200),
        ).toBe(true);
        if (l.error) {
          expect(typeof l.error.message).toBe('string');
          expect(l.error.code).not.toBe(-32603);
        }
      }

      const problems: string[] = [];
      const expectedNull = new Map<number, number>();
      for (const [i, l] of sent.entries()) {
        if (l.expect === 'none') {
          continue;
        } else if (l.expect.id === null) {
          const code = l.expect.codes[0]!;
          expectedNull.set(code, (expectedNull.get(code) ?? 0) + 1);
        } else {
          const id = l.expect.id;
          const answers = lines.filter((a) => a.id === id);
          const code = answers[0]?.error ? answers[0].error.code : answers[0] ? RESULT : undefined;
          if (answers.length !== 1 || !l.expect.codes.includes(code!)) {
            problems.push(
              `line #${i} (${l.what}): expected ${l.expect.codes.join('|')}, got ${answers.length} answer(s) ${JSON.stringify(answers).slice(0, 200)}`,
            );
          }
        }
      }
      // Lines that cannot be answered were not (their id, when they carry one, is theirs alone).
      const unanswerable = new Set(sent.flatMap((l, i) => (l.expect === 'none' ? [`g-${i}`] : [])));
      for (const l of lines) {
        if (typeof l.id === 'string' && unanswerable.has(l.id)) {
          problems.push(`answered an unanswerable line: ${JSON.stringify(l).slice(0, 200)}`);
        }
      }
      const gotNull = new Map<number, number>();
      for (const l of lines)
        if (l.id === null) gotNull.set(l.error!.code, (gotNull.get(l.error!.code) ?? 0) + 1);
      expect(Object.fromEntries(gotNull), `answers with "id": null, by code ${replay}`).toEqual(
        Object.fromEntries(expectedNull),
      );
      expect(problems, `${problems.slice(0, 10).join('\n')}\n${replay}`).toEqual([]);

      // The same process still does real work.
      const final = lines.find((l) => l.id === 'final-call');
      expect(final?.result?.isError, JSON.stringify(final).slice(0, 500)).toBeFalsy();
      expect(JSON.stringify(final?.result)).toContain('pve1');
      expect(stdout + stderr).not.toContain(DEMO_TOKEN_SECRET);

      child.stdin.end();
      expect(await exit).toBe(0);
    },
    40_000 + runs * 5,
  );
});
