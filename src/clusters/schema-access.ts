import type { ApiIndex, SchemaStore } from '../schema/index.js';
import type { ClusterHandle } from './handle.js';

/** Where every PVE node serves its own API schema, without authentication. */
export const APIDOC_PATH = '/pve-docs/api-viewer/apidoc.js';

/** A `/version` request younger than this (in flight or answered) is shared, not sent again. */
const SHARE_MS = 10_000;

interface VersionAsk {
  answer: Promise<string>;
  at: number;
  /** A schema load used it: the next load (after the version TTL) asks anew. */
  used: boolean;
}

/** The last `/version` request per cluster, so the warm-up and a schema load never both send one. */
const asks = new WeakMap<ClusterHandle, VersionAsk>();

function ask(handle: ClusterHandle, opts: { signal?: AbortSignal; timeoutMs?: number }): VersionAsk {
  const a: VersionAsk = {
    answer: handle.client
      .request<{ version?: unknown }>('GET', '/version', {}, opts)
      .then((v) => String(v?.version ?? '')),
    at: Date.now(),
    used: false,
  };
  asks.set(handle, a);
  // A failure is not shared beyond those already waiting: the next asker tries again.
  a.answer.catch(() => {
    if (asks.get(handle) === a) asks.delete(handle);
  });
  return a;
}

const shareable = (a: VersionAsk | undefined): a is VersionAsk => !!a && Date.now() - a.at < SHARE_MS;

/**
 * GET /version on a cluster (which also loads the request code and opens a checked connection),
 * shared with a schema load that runs at the same time or right after: one `/version` per cluster
 * per schema load, whichever of the two starts first.
 */
export function probeVersion(handle: ClusterHandle, timeoutMs: number): Promise<string> {
  const current = asks.get(handle);
  return (shareable(current) ? current : ask(handle, { timeoutMs })).answer;
}

/** The version for a schema load: a shared recent request if one is unused, else a new one. */
function versionForLoad(handle: ClusterHandle, signal?: AbortSignal): Promise<string> {
  const current = asks.get(handle);
  const a = shareable(current) && !current.used ? current : ask(handle, { signal });
  a.used = true;
  return a.answer;
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
      getVersion: (s) =>
        handle.config.tokenFrom === 'user'
          ? Promise.reject(noServerToken(handle))
          : versionForLoad(handle, s),
    },
    signal,
  );
}

/**
 * A `token_from: "user"` cluster: the server holds no token to ask /version with (only people do, per
 * request). The schema file is public, so it still loads, without its version: kept in memory only and
 * kept until a restart (schema-store.ts), which `check` and this message say.
 */
function noServerToken(handle: ClusterHandle): Error {
  return new Error(
    `cluster "${handle.name}" takes each person's own token (token_from "user"), so the server has none to ask /version with; its API schema is loaded without the version and kept in memory only`,
  );
}
