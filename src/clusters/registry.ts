import type { ClusterConfig, LoadedConfig } from '../config/types.js';
import { ProxmoxClient, type ClientOptions } from '../proxmox/client.js';
import { SchemaStore, type ApiIndex } from '../schema/index.js';
import type { ClusterHandle } from './handle.js';
import { loadClusterSchema } from './schema-access.js';

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

export type { ClusterHandle } from './handle.js';

/** name → client. Clients are created once, up front, so every call reuses the cluster's keep-alive agent. */
export class ClusterRegistry {
  private readonly handles = new Map<string, ClusterHandle>();
  readonly defaultCluster: string;
  readonly source: string;
  /** Which of a config file and the environment is used and why, when both were present. */
  readonly configChoice?: string;

  /** API schemas per cluster (proxmox_api_describe and the pre-flight of proxmox_api_call). */
  readonly schemas: SchemaStore;

  constructor(
    config: LoadedConfig,
    clientOptions: ClientOptions | ((cluster: ClusterConfig) => ClientOptions),
    schemas: SchemaStore = new SchemaStore({ cacheDir: null }),
  ) {
    this.schemas = schemas;
    this.defaultCluster = config.defaultCluster;
    this.source = config.source;
    this.configChoice = config.configChoice;
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

  /** The cluster's API schema; rejects with SchemaUnavailableError (old PVE, access blocked…). */
  /** `signal` may be a function, called only if the schema has to be waited for. */
  schemaOf(handle: ClusterHandle, signal?: AbortSignal | (() => AbortSignal)): Promise<ApiIndex> {
    return loadClusterSchema(this.schemas, handle, signal);
  }

  /** True when every cluster is read-only: then write-only tools are not even listed. */
  get allReadOnly(): boolean {
    return this.all.every((h) => h.config.readOnly);
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((h) => h.client.close()));
  }
}
