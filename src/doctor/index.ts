import type { LoadedConfig } from '../config/types.js';
import { VERSION } from '../version.js';
import { checkCluster } from './check-cluster.js';
import type { ConfigOrigin, DoctorReport } from './report.js';

export type { DoctorReport, ClusterReport, CheckResult, ConfigOrigin } from './report.js';
export { renderReport } from './render-text.js';

/** 10 s per cluster: long enough for a slow WAN link, short enough to wait for. */
export const DEFAULT_BUDGET_MS = 10_000;

export interface DoctorOptions {
  config: LoadedConfig;
  origin: ConfigOrigin;
  /** Check only these clusters (names already validated); default: all. */
  clusters?: string[];
  budgetMs?: number;
  /** For certificate expiry; tests pass a fixed date. */
  now?: Date;
  /** Clusters whose secret could not be read: name → why and how to fix (the token step is skipped). */
  missingSecrets?: Record<string, { reason: string; fix: string[] }>;
}

/** `proxmox-mcp check`: every selected cluster at once, each within its own time budget. */
export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  const selected = opts.clusters?.length
    ? opts.config.clusters.filter((c) => opts.clusters!.includes(c.name))
    : opts.config.clusters;
  const clusters = await Promise.all(
    selected.map((c) =>
      checkCluster(c, opts.origin, {
        budgetMs: opts.budgetMs ?? DEFAULT_BUDGET_MS,
        userAgent: `proxmox-mcp/${VERSION} (check)`,
        now: opts.now,
        noSecret: opts.missingSecrets?.[c.name],
      }),
    ),
  );
  return {
    reportVersion: 1,
    proxmoxMcp: VERSION,
    config: opts.origin,
    usable: clusters.length > 0 && clusters.every((c) => c.usable),
    clusters,
  };
}

/** Where the configuration came from, for the report's first line. */
export function configOrigin(config: LoadedConfig, env: Record<string, string | undefined>): ConfigOrigin {
  if (config.source === 'environment') {
    const variables = Object.keys(env)
      .filter((k) => /^PROXMOX_/.test(k) && env[k]?.trim() && !/^PROXMOX_MCP_/.test(k))
      .sort();
    return { kind: 'environment', variables };
  }
  return { kind: 'file', file: config.source, ...(config.via ? { via: config.via } : {}) };
}
