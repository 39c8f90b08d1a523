import type { ApiIndex, SchemaStore } from '../schema/index.js';
import type { ClusterHandle } from './registry.js';

/** Where every PVE node serves its own API schema, without authentication. */
export const APIDOC_PATH = '/pve-docs/api-viewer/apidoc.js';

/** A `/version` answer younger than this is what a schema load that follows it uses, unasked. */
const PROBE_REUSE_MS = 10_000;

/** The last `/version` answer per cluster that no schema load has used yet (warm-up.ts sets it). */
const unusedProbes = new WeakMap<ClusterHandle, { version: string; at: number }>();

function fetchVersion(
  handle: ClusterHandle,
  opts: { signal?: AbortSignal; timeoutMs?: number },
): Promise<string> {
  return handle.client
    .request<{ version?: unknown }>('GET', '/version', {}, opts)
    .then((v) => String(v?.version ?? ''));
}

/**
 * GET /version on a cluster (which also loads the request code and opens a checked connection),
 * remembered so that the schema load right after it does not ask again: one `/version` per cluster
 * per schema load.
 */
export async function probeVersion(handle: ClusterHandle, timeoutMs: number): Promise<string> {
  const version = await fetchVersion(handle, { timeoutMs });
  unusedProbes.set(handle, { version, at: Date.now() });
  return version;
}

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
      getVersion: (s) => {
        const probe = unusedProbes.get(handle);
        unusedProbes.delete(handle);
        if (probe && Date.now() - probe.at < PROBE_REUSE_MS) return Promise.resolve(probe.version);
        return fetchVersion(handle, { signal: s });
      },
    },
    signal,
  );
}
