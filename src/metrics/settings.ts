import { ConfigError } from '../config/errors.js';

/** Where /metrics is served: a listener of its own, off unless a port is given. */
export interface MetricsSettings {
  host: string;
  port: number;
}

/**
 * `--metrics-port` > MCP_METRICS_PORT; host MCP_METRICS_HOST > the MCP listener's host. Undefined when
 * neither port is given: no listener, no sink, prom-client never loaded.
 *
 * A port of its own rather than /metrics on the MCP port: Prometheus cannot take part in per-person
 * OAuth, and an unauthenticated path on the MCP port would be the one exception to its auth. Apart, it
 * can be scraped inside the cluster and kept from the outside by a NetworkPolicy or by not exposing it.
 */
export function resolveMetricsSettings(
  flags: { metricsPort?: number },
  env: Record<string, string | undefined>,
  mcpHost: string,
): MetricsSettings | undefined {
  let port = flags.metricsPort;
  const raw = env.MCP_METRICS_PORT?.trim();
  if (port === undefined && raw) {
    const n = Number(raw);
    if (!/^\d{1,5}$/.test(raw) || n > 65535)
      throw new ConfigError(
        `expected a port from 0 to 65535 (0 picks a free one), got "${raw}"`,
        'MCP_METRICS_PORT',
      );
    port = n;
  }
  if (port === undefined) return undefined;
  return { host: env.MCP_METRICS_HOST?.trim() || mcpHost, port };
}
