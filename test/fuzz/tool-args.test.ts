import v8 from 'node:v8';
import vm from 'node:vm';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/server.js';
import { DEMO_TOKEN_SECRET } from '../../src/simulator/testing/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { judge } from './answer-checks.js';
import { createRng, fuzzRuns, fuzzSeed } from './prng.js';
import { RawChannel } from './raw-channel.js';
import { describe as show, fuzzCall } from './tool-args.js';

// Thousands of random tools/call requests for every listed tool: each must get a proper answer (a
// result, or -32602 naming what is wrong), never a crash, an unhandled rejection, a -32603 or a zod
// dump; refused calls must not reach Proxmox; memory must not grow with the number of calls.
// Replay a failure with FUZZ_SEED=<seed>; FUZZ_RUNS=<n> runs longer.

const seed = fuzzSeed();
const runs = fuzzRuns(3000);
// Most calls one after the other, so each refusal can be checked against the simulator's request
// log; a sixth of them in concurrent bursts, for interleavings.
const burst = Math.floor(runs / 6);
const sequential = runs - burst;
const replay = `(replay: FUZZ_SEED=${seed} FUZZ_RUNS=${runs} npx vitest run test/fuzz/tool-args.test.ts)`;

// Forced GC makes the heap comparison mean something; v8 only exposes it when asked to.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

let h: Harness;
let raw: RawChannel;
let tools: Tool[];
const escaped: unknown[] = [];
const onEscaped = (reason: unknown) => escaped.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onEscaped);
  process.on('uncaughtException', onEscaped);
  h = await startHarness({ clusters: [{ name: 'demo' }, { name: 'lab' }] });
  // A second server on the harness's clusters, driven by a bare JSON-RPC peer rather than a Client.
  raw = await RawChannel.connect(
    createServer({
      registry: h.runtime.registry,
      logger: h.runtime.logger,
      redact: h.runtime.redactor.redact,
    }),
  );
  tools = (await h.client.listTools()).tools;
});

afterAll(async () => {
  await raw?.close();
  await h?.close();
  process.off('unhandledRejection', onEscaped);
  process.off('uncaughtException', onEscaped);
});

const simRequests = () => Object.values(h.sims).reduce((n, s) => n + s.requests.length, 0);

describe(`tools/call with random arguments (seed ${seed})`, () => {
  it(`answers ${sequential} fuzzed calls properly, sends nothing to Proxmox for refused ones, and keeps memory flat`, async () => {
    expect(tools.length).toBeGreaterThanOrEqual(8);
    const rng = createRng(seed);
    const problems: string[] = [];
    const counts = { refused: 0, answered: 0 };
    const perTool = new Map<string, number>();
    const warmup = Math.min(200, Math.floor(sequential / 10));
    let heapAfterWarmup = 0;

    for (let i = 0; i < sequential; i++) {
      if (i === warmup) {
        h.logs.length = 0;
        gc();
        heapAfterWarmup = process.memoryUsage().heapUsed;
      }
      const call = fuzzCall(tools, rng);
      const before = simRequests();
      const answer = await raw.request('tools/call', call.params);
      const verdict = judge(answer, call);
      const where = `call #${i} ${call.tool} [${call.mutation}]`;
      if (typeof verdict === 'string') {
        problems.push(`${where}: ${verdict}`);
      } else {
        counts[verdict.kind]++;
        perTool.set(call.tool, (perTool.get(call.tool) ?? 0) + 1);
        if (verdict.kind === 'refused' && simRequests() !== before) {
          problems.push(
            `${where}: refused ("${show(verdict.text)}") yet ${simRequests() - before} request(s) reached the simulator`,
          );
        }
        if (verdict.text.includes(DEMO_TOKEN_SECRET))
          problems.push(`${where}: the token secret is in the answer`);
      }
      if (problems.length >= 10) break;
      // Logs are checked and dropped as we go: they are the harness's memory, not the server's.
      if (h.logs.some((l) => l.includes(DEMO_TOKEN_SECRET)))
        problems.push(`${where}: the token secret is in a log line`);
      if (i >= warmup) h.logs.length = 0;
    }

    expect(problems, `${problems.join('\n')}\n${replay}`).toEqual([]);
    expect(escaped.map(String), `unhandled rejection or exception ${replay}`).toEqual([]);
    // Both outcomes must be common, or the fuzzer is only testing one path.
    expect(counts.refused, replay).toBeGreaterThan(sequential * 0.3);
    expect(counts.answered, replay).toBeGreaterThan(sequential * 0.05);
    for (const t of tools) {
      expect(perTool.get(t.name) ?? 0, `${t.name} ${replay}`).toBeGreaterThan(sequential / tools.length / 3);
    }
    expect(Object.prototype).not.toHaveProperty('polluted');

    gc();
    const growth = process.memoryUsage().heapUsed - heapAfterWarmup;
    // Loose on purpose (simulator state and caches move a little; a run grows 1-7 MB), but keeping
    // each call's arguments (tens of KB on average here) or its answer would cross it.
    expect(
      growth,
      `heap grew ${(growth / 1e6).toFixed(1)} MB over ${sequential - warmup} calls ${replay}`,
    ).toBeLessThan(Math.max(24e6, (sequential - warmup) * 4000));
    console.log(
      `fuzz seed ${seed}: ${sequential} calls, ${counts.refused} refused, ${counts.answered} answered, heap ${(growth / 1e6).toFixed(1)} MB`,
    );
  }, 120_000);

  it(`answers ${burst} more sent 25 at a time just as properly`, async () => {
    const rng = createRng(seed ^ 0x5eed);
    const problems: string[] = [];
    for (let i = 0; i < burst; i += 25) {
      const calls = Array.from({ length: Math.min(25, burst - i) }, () => fuzzCall(tools, rng));
      const answers = await Promise.all(calls.map((c) => raw.request('tools/call', c.params)));
      answers.forEach((answer, k) => {
        const verdict = judge(answer, calls[k]!);
        if (typeof verdict === 'string')
          problems.push(`burst call #${i + k} ${calls[k]!.tool} [${calls[k]!.mutation}]: ${verdict}`);
      });
    }
    expect(problems, `${problems.slice(0, 10).join('\n')}\n${replay}`).toEqual([]);
    expect(escaped.map(String), `unhandled rejection or exception ${replay}`).toEqual([]);
  }, 60_000);
});
