import type { ApiIndex, SchemaStore } from '../schema/index.js';
import type { ClusterHandle } from './registry.js';

/** Where every PVE node serves its own API schema, without authentication. */
export const APIDOC_PATH = '/pve-docs/api-viewer/apidoc.js';

/**
 * The cluster's API schema, loaded through the cluster's own client (same TLS settings; the schema
 * request carries no credentials) and cached by the store per host and PVE version.
 */
export function loadClusterSchema(
  store: SchemaStore,
  handle: ClusterHandle,
  signal?: AbortSignal | (() => AbortSignal),
): Promise<ApiIndex> {
  const client = handle.client;
  return store.get(
    { cluster: handle.name, host: `${handle.config.host}:${handle.config.port}` },
    {
      fetchApidoc: (s) => client.fetchPublic(APIDOC_PATH, { signal: s }),
      getVersion: async (s) => {
        const v = await client.request<{ version?: unknown }>('GET', '/version', {}, { signal: s });
        return String(v?.version ?? '');
      },
    },
    signal,
  );
}
