import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../src/simulator/testing/faults.js';
import { DEMO_TOKEN_SECRET } from '../../src/simulator/testing/index.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';
import { apiRequests, MARGIN_MS, timed, TIMEOUT_MS } from './helpers.js';

/**
 * Every way a cluster can fail at the HTTP boundary gives, through MCP, an error result that names the
 * cluster, the cause and what to check, within the cluster's timeout; and once the fault is gone the
 * very next call on the same cluster works (nothing stuck in the server or its connection pool).
 */
interface Case {
  name: string;
  fault: FaultSpec;
  tool?: { name: string; args: Record<string, unknown> };
  /** The request the fault hits (the tool's main request). */
  request?: string;
  cause: RegExp;
  advice: RegExp;
}

const CASES: Case[] = [
  {
    name: 'hang: accepted, never answered',
    fault: { kind: 'hang' },
    cause: new RegExp(`timed out after ${TIMEOUT_MS} ms`),
    advice: /raise timeout_ms for cluster "flaky"/,
  },
  {
    name: 'slow body: headers at once, then a byte at a time',
    fault: { kind: 'slow-body', byteIntervalMs: 200 },
    cause: new RegExp(`timed out after ${TIMEOUT_MS} ms`),
    advice: /raise timeout_ms for cluster "flaky"/,
  },
  {
    name: 'connection reset before any answer',
    fault: { kind: 'reset' },
    cause: /connection to 127\.0\.0\.1:\d+ was closed unexpectedly for cluster "flaky"/,
    advice: /check for a proxy or load balancer/,
  },
  {
    name: '500 from the API',
    fault: { kind: 'status', status: 500 },
    cause: /500 Internal Server Error for GET \/nodes on cluster "flaky"/,
    advice: /journalctl -u pvedaemon -u pveproxy/,
  },
  {
    name: '502 from a proxy in front',
    fault: { kind: 'status', status: 502 },
    cause: /502 Bad Gateway for GET \/nodes on cluster "flaky"/,
    advice: /systemctl status pveproxy/,
  },
  {
    name: '503 service unavailable',
    fault: { kind: 'status', status: 503 },
    cause: /503 Service Unavailable for GET \/nodes on cluster "flaky"/,
    advice: /Call again in a moment/,
  },
  {
    name: '595 on a cluster-wide path: pveproxy could not forward',
    fault: { kind: 'status', status: 595 },
    cause: /could not forward GET \/nodes on cluster "flaky" \(595 Connection refused\)/,
    advice: /systemctl status pveproxy pvedaemon/,
  },
  {
    name: '596 on a node path names the node',
    fault: { kind: 'status', status: 596, match: '/nodes/pve2' },
    tool: { name: 'proxmox_api_call', args: { path: '/nodes/pve2/status' } },
    request: '/nodes/pve2/status',
    cause:
      /Node "pve2" did not answer for GET \/nodes\/pve2\/status on cluster "flaky" \(596 Connection timed out\)/,
    advice: /list_nodes shows which are online/,
  },
  {
    name: 'an HTML page instead of JSON',
    fault: { kind: 'html' },
    cause:
      /GET \/nodes on cluster "flaky": the server answered 200 with an HTML page \("Sign in"\), not with JSON/,
    advice: /check clusters\.flaky\.url/,
  },
  {
    name: 'truncated JSON with a matching Content-Length',
    fault: { kind: 'truncated-json' },
    cause: /GET \/nodes on cluster "flaky": the answer \(200, \d+ bytes, .*\) is cut off or not valid JSON/,
    advice: /connect to a node directly on port 8006/,
  },
  {
    name: 'truncated JSON with a lying Content-Length (closed mid-body)',
    fault: { kind: 'truncated-json', lyingLength: true },
    cause: /was closed unexpectedly for cluster "flaky"/,
    advice: /check for a proxy or load balancer/,
  },
  {
    name: 'invalid JSON',
    fault: { kind: 'invalid-json' },
    cause: /GET \/nodes on cluster "flaky": the answer .* is cut off or not valid JSON/,
    advice: /Call again/,
  },
];

describe('each fault gives an actionable error within the timeout, and the next call works', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ clusters: [{ name: 'flaky', config: { timeoutMs: TIMEOUT_MS } }] });
  });
  afterAll(async () => {
    expect([...h.logs].join('\n')).not.toContain(DEMO_TOKEN_SECRET);
    await h?.close();
  });

  it.each(CASES)('$name', async (c) => {
    const sim = h.sims.flaky!;
    const tool = c.tool ?? { name: 'list_nodes', args: {} };
    const mark = sim.requests.length;
    sim.faults.add(c.fault);
    let failed;
    try {
      failed = await timed(() => h.call(tool.name, tool.args));
    } finally {
      sim.faults.clear();
    }
    const text = textOf(failed.value);
    expect(failed.value.isError, text).toBe(true);
    expect(text).toMatch(c.cause);
    expect(text).toMatch(c.advice);
    expect(text).not.toContain(DEMO_TOKEN_SECRET);
    expect(failed.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    // The simulator really answered with the fault (the error is not from somewhere else).
    const hits = apiRequests(sim, mark, 'GET', c.request ?? '/nodes');
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((r) => r.fault === c.fault.kind)).toBe(true);

    const healed = await h.call(tool.name, tool.args);
    expect(healed.isError, textOf(healed)).toBeFalsy();
  });
});
