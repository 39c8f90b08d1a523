import net from 'node:net';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startMetricsServer, type MetricsServerHandle } from '../../src/metrics/listener.js';
import { resolvePolicy } from '../../src/safety/policy.js';
import { toolCatalog } from '../../src/tools/catalog.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { scrape, sumOf } from '../helpers/prometheus.js';

/**
 * Set-up shared by the /metrics tests (tool-calls, listener): a metrics listener in this process and a
 * harness whose server it counts, and `delta` to see what a step moved.
 */

export const CALLS = 'proxmox_mcp_tool_calls_total';
export const CALL_SECONDS = 'proxmox_mcp_tool_call_duration_seconds_count';
export const UPSTREAM = 'proxmox_mcp_upstream_request_duration_seconds_count';
export const SESSIONS = 'proxmox_mcp_open_sessions';
export const REFUSALS = 'proxmox_mcp_refusals_total';

export let metricsServer: MetricsServerHandle;
export let h: Harness;
const logs: string[] = [];

/** A port nothing listens on: a cluster there is "down" (connection refused). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * Starts the listener (clusters demo, lab, down; the whole tool catalog) and the harness before the
 * file's tests and closes both after: demo denies DELETE, lab is read-only, down refuses connections.
 */
export function useMetricsListener(): void {
  beforeAll(async () => {
    metricsServer = await startMetricsServer(
      { host: '127.0.0.1', port: 0 },
      {
        logger: createLogger({ level: 'debug', write: (l) => logs.push(l) }),
        clusters: ['demo', 'lab', 'down'],
        tools: toolCatalog.map((t) => t.name),
      },
    );
    const down = await closedPort();
    h = await startHarness({
      clusters: [
        {
          name: 'demo',
          config: { policy: resolvePolicy(undefined, { deny: ['DELETE /**'] }, 'demo', 'clusters.json') },
        },
        { name: 'lab', config: { readOnly: true, readOnlySource: 'clusters.json read_only' } },
        { name: 'down', config: { origin: `https://127.0.0.1:${down}`, port: down } },
      ],
      // Asked to confirm, the person declines: a not-confirmed refusal.
      clientCapabilities: { capabilities: { elicitation: {} } },
    });
    h.client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'decline' }));
  }, 30_000);

  afterAll(async () => {
    await h?.close();
    await metricsServer?.close();
  });
}

/** Runs `fn` and returns how much each series moved meanwhile. */
export async function delta(fn: () => Promise<unknown>) {
  const before = await scrape(metricsServer.url);
  await fn();
  const after = await scrape(metricsServer.url);
  return (name: string, labels: Record<string, string> = {}) =>
    sumOf(after, name, labels) - sumOf(before, name, labels);
}
