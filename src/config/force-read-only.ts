import type { LoadedConfig } from './types.js';

/**
 * Every cluster read-only, for --read-only / PROXMOX_MCP_READ_ONLY (`source` names which). A cluster
 * already read-only by its own configuration keeps that reason. Undefined source: unchanged.
 */
export function forceReadOnly<T extends LoadedConfig>(config: T, source: string | undefined): T {
  if (!source) return config;
  return {
    ...config,
    clusters: config.clusters.map((c) => ({
      ...c,
      readOnly: true,
      readOnlySource: c.readOnlySource ?? source,
    })),
  };
}
