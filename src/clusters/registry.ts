import type { ClusterConfig, LoadedConfig } from '../config/types.js';
import type { Logger } from '../logger.js';
import { ProxmoxClient, type ClientOptions } from '../proxmox/client.js';

export class UnknownClusterError extends Error {
  readonly code = 'UNKNOWN_CLUSTER';
  constructor(
    readonly requested: string,
    readonly valid: string[],
    readonly defaultCluster: string,
  ) {
    super(`unknown cluster "${requested}"; valid clusters: ${valid.join(', ')} (default: ${defaultCluster})`);
    this.name = 'UnknownClusterError';
  }
}

export interface ClusterHandle {
  name: string;
  config: ClusterConfig;
  client: ProxmoxClient;
}

/** name → client. Clients are created once, up front, so every call reuses the cluster's keep-alive agent. */
export class ClusterRegistry {
  private readonly handles = new Map<string, ClusterHandle>();
  readonly defaultCluster: string;
  readonly source: string;

  constructor(
    config: LoadedConfig,
    clientOptions: ClientOptions | ((cluster: ClusterConfig) => ClientOptions),
  ) {
    this.defaultCluster = config.defaultCluster;
    this.source = config.source;
    for (const cluster of config.clusters) {
      const opts = typeof clientOptions === 'function' ? clientOptions(cluster) : clientOptions;
      this.handles.set(cluster.name, {
        name: cluster.name,
        config: cluster,
        client: new ProxmoxClient(cluster, opts),
      });
    }
  }

  get names(): string[] {
    return [...this.handles.keys()];
  }

  get all(): ClusterHandle[] {
    return [...this.handles.values()];
  }

  /** Resolves a name (or the default when none is given); unknown names list the valid ones. */
  get(name?: string): ClusterHandle {
    const wanted = name === undefined || name === '' ? this.defaultCluster : name;
    const handle = this.handles.get(wanted);
    if (!handle) throw new UnknownClusterError(wanted, this.names, this.defaultCluster);
    return handle;
  }

  /** True when every cluster is read-only: then write-only tools are not even listed. */
  get allReadOnly(): boolean {
    return this.all.every((h) => h.config.readOnly);
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((h) => h.client.close()));
  }
}
