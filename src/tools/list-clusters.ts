import { z } from 'zod';
import { describeError } from './error-result.js';
import { table } from './format.js';
import { defineTool } from './types.js';

/** Short bound for the live probe: list_clusters must answer quickly even if a cluster is down. */
const PROBE_TIMEOUT_MS = 5_000;

const clusterRow = z.object({
  name: z.string(),
  host: z.string(),
  port: z.number(),
  default: z.boolean(),
  read_only: z.boolean(),
  tls: z.enum(['verify', 'fingerprint', 'insecure']),
  reachable: z.boolean(),
  version: z.string().optional(),
  error: z.string().optional(),
});

export const listClusters = defineTool({
  name: 'list_clusters',
  title: 'List configured Proxmox clusters',
  description:
    'Lists the Proxmox VE clusters this server is configured for: name, host, whether it is the default (used when a tool call names no cluster), whether it is read-only, and a live probe (PVE version, or why it is unreachable). Call this first when unsure which cluster to target; pass a name as `cluster` to other tools.',
  input: {},
  output: z.object({ default: z.string(), clusters: z.array(clusterRow) }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  cluster: 'none',
  async handler(_args, ctx) {
    const rows: Array<z.infer<typeof clusterRow>> = await Promise.all(
      ctx.registry.all.map(async (h): Promise<z.infer<typeof clusterRow>> => {
        const base = {
          name: h.name,
          host: h.config.host,
          port: h.config.port,
          default: h.name === ctx.registry.defaultCluster,
          read_only: h.config.readOnly,
          tls: h.config.tls.mode,
        };
        try {
          const v = await h.client.request<{ version?: string; release?: string }>(
            'GET',
            '/version',
            {},
            {
              signal: ctx.signal,
              timeoutMs: Math.min(PROBE_TIMEOUT_MS, h.config.timeoutMs),
            },
          );
          return { ...base, reachable: true, version: String(v?.version ?? 'unknown') };
        } catch (err) {
          return { ...base, reachable: false, error: describeError(err, h.config) };
        }
      }),
    );
    const text =
      table(
        ['cluster', 'host', 'default', 'mode', 'status'],
        rows.map((r) => [
          r.name,
          `${r.host}:${r.port}`,
          r.default ? 'yes' : '',
          r.read_only ? 'read-only' : 'read-write',
          r.reachable ? `ok, PVE ${r.version}` : 'unreachable',
        ]),
      ) +
      rows
        .filter((r) => r.error)
        .map((r) => `\n\n${r.name}: ${r.error}`)
        .join('');
    return { structured: { default: ctx.registry.defaultCluster, clusters: rows }, text };
  },
});
