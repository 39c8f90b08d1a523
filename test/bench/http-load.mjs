// HTTP load driver: N concurrent Streamable HTTP clients (the SDK's own Client and transport, one MCP
// session each) × M tools/call each against a running `proxmox-mcp sse` (or in-process server).
// Plain .mjs so `npm run bench` can call it against the built dist with no TypeScript step; the
// suite's load test (test/http/load.test.ts) calls the same function, so the figures printed by the
// bench and the behaviour asserted by the tests come from one piece of code.
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/**
 * @param {object} opts
 * @param {string} opts.url base URL of the server, e.g. http://127.0.0.1:8000 (the driver adds /mcp)
 * @param {Record<string, string>} [opts.headers] sent on every request (e.g. the bearer token)
 * @param {number} [opts.clients] concurrent sessions (default 50)
 * @param {number} [opts.calls] tools/call per session, one after the other (default 100)
 * @param {{ name: string, arguments?: Record<string, unknown> }
 *   | ((client: number, call: number) => { name: string, arguments?: Record<string, unknown> })} [opts.call]
 *   the tool call to make, or a function choosing it per client and call; default list_nodes {}
 * @param {(result: any, call: { name: string, arguments?: Record<string, unknown> }) => string | undefined} [opts.check]
 *   returns why a result is wrong, or undefined
 * @param {() => void} [opts.sample] called every `sampleEveryMs` while the calls run (e.g. to read RSS)
 * @param {number} [opts.sampleEveryMs] default 100
 */
export async function runHttpLoad(opts) {
  const clients = opts.clients ?? 50;
  const calls = opts.calls ?? 100;
  const pick =
    typeof opts.call === 'function' ? opts.call : () => opts.call ?? { name: 'list_nodes', arguments: {} };
  const endpoint = new URL('/mcp', opts.url);
  const sessions = Array.from({ length: clients }, (_, i) => ({
    client: new Client({ name: `load-${i}`, version: '1' }),
    transport: new StreamableHTTPClientTransport(endpoint, { requestInit: { headers: opts.headers ?? {} } }),
  }));

  const connectStarted = performance.now();
  await Promise.all(sessions.map((s) => s.client.connect(s.transport)));
  const connectMs = performance.now() - connectStarted;

  const latencies = new Float64Array(clients * calls);
  let errors = 0;
  let wrong = 0;
  /** The first few failures, verbatim, so a broken run says why. */
  const failures = [];
  const fail = (what) => {
    if (failures.length < 5) failures.push(what);
  };
  const timer = opts.sample ? setInterval(opts.sample, opts.sampleEveryMs ?? 100) : undefined;

  const started = performance.now();
  await Promise.all(
    sessions.map(async ({ client }, c) => {
      for (let i = 0; i < calls; i++) {
        const call = pick(c, i);
        const t = performance.now();
        try {
          const result = await client.callTool(call);
          latencies[c * calls + i] = performance.now() - t;
          const why = result.isError
            ? `isError: ${JSON.stringify(result.content)}`
            : opts.check?.(result, call);
          if (why) {
            wrong++;
            fail(why);
          }
        } catch (err) {
          latencies[c * calls + i] = performance.now() - t;
          errors++;
          fail(err instanceof Error ? err.message : String(err));
        }
      }
    }),
  );
  const durationMs = performance.now() - started;
  if (timer) clearInterval(timer);

  // DELETE each session (what a well-behaved client does), then drop the client side.
  const closeStarted = performance.now();
  await Promise.all(
    sessions.map(async ({ client, transport }) => {
      await transport.terminateSession().catch((err) => {
        errors++;
        fail(`DELETE: ${err instanceof Error ? err.message : String(err)}`);
      });
      await client.close();
    }),
  );
  const closeMs = performance.now() - closeStarted;

  const sorted = Array.from(latencies).sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  const total = clients * calls;
  return {
    clients,
    callsPerClient: calls,
    calls: total,
    errors,
    wrong,
    failures,
    connectMs,
    durationMs,
    closeMs,
    callsPerSec: total / (durationMs / 1000),
    p50Ms: pct(50),
    p99Ms: pct(99),
    maxMs: sorted[sorted.length - 1] ?? NaN,
  };
}
