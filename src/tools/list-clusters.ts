import { z } from 'zod';
import type { ClusterConfig } from '../config/types.js';
import {
  ProxmoxError,
  ProxmoxHttpError,
  ProxmoxNetworkError,
  ProxmoxRefusedError,
  ProxmoxTimeoutError,
  ProxmoxTlsError,
} from '../proxmox/errors.js';
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
  /** ok: PVE answered; error: the host answered, with an error; unreachable: no answer at all. */
  state: z.enum(['ok', 'error', 'unreachable']),
  /** The host answered (ok or error). */
  reachable: z.boolean(),
  version: z.string().optional(),
  /** The HTTP status of an error answer. */
  http_status: z.number().optional(),
  error: z.string().optional(),
});

export const listClusters = defineTool({
  name: 'list_clusters',
  title: 'List configured Proxmox clusters',
  description:
    'Lists the configured Proxmox VE clusters: name, host, whether it is the default (used when a call names no cluster) or read-only, and a live probe (PVE version, unreachable, or the error). Call it first when unsure which cluster to target; pass a name as `cluster` to other tools.',
  input: {},
  output: z.object({
    default: z.string(),
    clusters: z.array(clusterRow),
    /** Which of a config file and the environment is used and why, when both were present. */
    config: z.string().optional(),
  }),
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
              // A signed-in person probes with their role and, where the cluster wants it, their token.
              context: ctx.requestContext,
            },
          );
          return { ...base, state: 'ok', reachable: true, version: String(v?.version ?? 'unknown') };
        } catch (err) {
          return { ...base, ...probeFailure(err, h.config) };
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
          r.state === 'ok'
            ? `ok, PVE ${r.version}`
            : r.state === 'unreachable'
              ? 'unreachable'
              : !r.reachable
                ? 'not asked (refused here)'
                : `answered ${r.http_status ? `HTTP ${r.http_status}` : 'with an error'}`,
        ]),
      ) +
      rows
        .filter((r) => r.error)
        .map((r) => `\n\n${r.name}: ${r.error}`)
        .join('') +
      (ctx.registry.configChoice ? `\n\nConfiguration: ${ctx.registry.configChoice}` : '');
    return {
      structured: {
        default: ctx.registry.defaultCluster,
        clusters: rows,
        ...(ctx.registry.configChoice ? { config: ctx.registry.configChoice } : {}),
      },
      text,
    };
  },
});

type ProbeFailure = Pick<z.infer<typeof clusterRow>, 'state' | 'reachable' | 'http_status' | 'error'>;

/**
 * No answer at all (DNS, connect, TLS, timeout) is "unreachable", with the network advice; an answer
 * that is an error (401, 403, 500, an HTML page) means the host is there, and the advice is about
 * what answered. The probe path is ours, so a 404/501 for it says the URL leads elsewhere, never
 * "check the path".
 */
function probeFailure(err: unknown, cluster: ClusterConfig): ProbeFailure {
  // Refused before anything was sent (the person's role, no personal token): the host was not asked.
  if (err instanceof ProxmoxRefusedError) return { state: 'error', reachable: false, error: err.message };
  if (
    err instanceof ProxmoxNetworkError ||
    err instanceof ProxmoxTlsError ||
    err instanceof ProxmoxTimeoutError ||
    (err instanceof ProxmoxError && err.code === 'ABORTED')
  ) {
    return { state: 'unreachable', reachable: false, error: describeError(err, cluster) };
  }
  if (err instanceof ProxmoxHttpError) {
    const answered = `${cluster.origin} answered ${err.status} ${err.detail || err.reason}`.trim();
    const error =
      err.status === 404 || err.status === 501
        ? `${answered} for the version probe (GET /api2/json/version, which every PVE answers): this URL does not lead to a PVE API. Check clusters.${cluster.name}.url: the node's address and port 8006, without a path.`
        : err.status === 403
          ? `${answered} for the version probe, which needs no privilege: something in front of PVE (a reverse proxy, an access list) refuses. Check what listens at ${cluster.origin}.`
          : describeError(err, cluster);
    return { state: 'error', reachable: true, http_status: err.status, error };
  }
  // An answer that is not PVE's JSON (an HTML page, a cut-off body): the host answered.
  return { state: 'error', reachable: true, error: describeError(err, cluster) };
}
