import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { ProxmoxClient, type RequestEvent } from '../../src/proxmox/client.js';
import { ProxmoxError, ProxmoxHttpError } from '../../src/proxmox/errors.js';
import { Deadline, withRetries, type RetryInfo } from '../../src/proxmox/retry.js';
import { DEMO_TOKEN_SECRET, startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { clusterConfigFor } from '../helpers/harness.js';
import { apiRequests, MARGIN_MS, timed } from './helpers.js';

/**
 * The edges of the retry policy that a tool call cannot steer precisely: the deadline covers the whole
 * call, a cancelled call is not retried, the audit observer sees one outcome with the attempt count,
 * and the backoff stays in its bounds. The client talks real HTTPS to a simulator.
 */
describe('retries stay inside the call: deadline, cancellation, one outcome', () => {
  let sim: Simulator;
  const events: RequestEvent[] = [];
  const logs: string[] = [];
  /** Runs when a retry is logged, i.e. after a failed attempt and before the backoff. */
  let onRetryLogged: (() => void) | undefined;
  const clientWith = (timeoutMs: number) =>
    new ProxmoxClient(clusterConfigFor('demo', sim, { timeoutMs }), {
      logger: createLogger({
        level: 'debug',
        write: (line) => {
          logs.push(line);
          if (line.includes('retrying')) onRetryLogged?.();
        },
      }),
      observers: [(e) => events.push(e)],
    });

  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterEach(() => {
    sim.faults.clear();
    events.length = 0;
    onRetryLogged = undefined;
  });
  afterAll(async () => {
    expect(logs.join('')).not.toContain(DEMO_TOKEN_SECRET);
    await sim?.close();
  });

  it('the observer sees one outcome per call, with the number of attempts', async () => {
    const client = clientWith(2_000);
    sim.faults.add({ kind: 'status', status: 503, times: 1 });
    await expect(client.request('GET', '/version')).resolves.toMatchObject({ version: expect.any(String) });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ method: 'GET', path: '/version', status: 200, attempts: 2 });
    await client.close();
  });

  it('no retry when the budget left after the backoff is too short: the 503 is reported, not a timeout', async () => {
    // 300 ms: after the first failure and a backoff of at least 50 ms, less than 250 ms would be left.
    const client = clientWith(300);
    const mark = sim.requests.length;
    sim.faults.add({ kind: 'status', status: 503 });
    const { value: err, ms } = await timed(() => client.request('GET', '/version').catch((e: unknown) => e));
    expect(err).toBeInstanceOf(ProxmoxHttpError);
    expect((err as ProxmoxHttpError).status).toBe(503);
    expect(apiRequests(sim, mark, 'GET', '/version')).toHaveLength(1);
    expect(ms).toBeLessThan(300 + MARGIN_MS);
    await client.close();
  });

  it('a call cancelled during the backoff is not retried, and says it was cancelled', async () => {
    const client = clientWith(5_000);
    const mark = sim.requests.length;
    sim.faults.add({ kind: 'reset' });
    const controller = new AbortController();
    onRetryLogged = () => controller.abort();
    const err = await client
      .request('GET', '/version', {}, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProxmoxError);
    expect((err as ProxmoxError).code).toBe('ABORTED');
    expect(apiRequests(sim, mark, 'GET', '/version')).toHaveLength(1);
    expect(events).toEqual([expect.objectContaining({ attempts: 1, error: err })]);
    await client.close();
  });

  it('a call cancelled before it starts sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const client = clientWith(5_000);
    const mark = sim.requests.length;
    const err = await client
      .request('GET', '/version', {}, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect((err as ProxmoxError).code).toBe('ABORTED');
    expect(apiRequests(sim, mark, 'GET', '/version')).toHaveLength(0);
    await client.close();
  });
});

describe('backoff', () => {
  const facts = { cluster: 'c', method: 'GET', path: '/version' };
  const unavailable = () =>
    new ProxmoxHttpError('HTTP_ERROR', facts, 503, 'Service Unavailable', undefined, undefined);

  it.each([0, 0.999])(
    'stays within 0.5..1.5 × 100 ms and 300 ms, at most 2 retries (random %s)',
    async (r) => {
      const seen: RetryInfo[] = [];
      let calls = 0;
      const err = await withRetries(
        () => {
          calls++;
          return Promise.reject(unavailable());
        },
        { method: 'GET', deadline: new Deadline(10_000), random: () => r, onRetry: (i) => seen.push(i) },
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProxmoxHttpError);
      expect(calls).toBe(3);
      expect(seen.map((i) => i.retry)).toEqual([1, 2]);
      const [first, second] = seen.map((i) => i.delayMs);
      expect(first).toBe(r === 0 ? 50 : 150);
      expect(second).toBe(r === 0 ? 150 : 450);
    },
  );

  it('never retries a write, whatever failed', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      let calls = 0;
      await withRetries(
        () => {
          calls++;
          return Promise.reject(unavailable());
        },
        { method, deadline: new Deadline(10_000) },
      ).catch(() => undefined);
      expect(calls, method).toBe(1);
    }
  });
});
