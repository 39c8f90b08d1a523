import { homedir } from 'node:os';
import { ApiIndex } from './api-index.js';
import { SchemaUnavailableError } from './errors.js';
import { parseApidocJs } from './parse-apidoc.js';
import {
  cacheFileName,
  defaultCacheDir,
  readCachedTree,
  removeOtherVersions,
  writeCachedTree,
  type SchemaLogger,
} from './schema-cache-file.js';
import type { ApiTreeNode } from './types.js';

export { defaultCacheDir, type SchemaLogger } from './schema-cache-file.js';

// Per-cluster schema loading. The apidoc.js download is ~1-2 MB, so it is fetched once per PVE
// version: kept in memory per cluster and on disk per host+version (a restart reads the file).
// The cheap `/version` call decides when to refetch, at most every `versionTtlMs`. Failures are
// remembered briefly so a broken cluster is not hammered, and are never fatal to the caller.
// A caller waits for a load at most `waitMs` (8 s) counted from the start of that load, whatever
// stalls it (connect, headers, a slow body, parsing); the load itself goes on in the background, so
// a slow node still gets its schema for later calls.

/** How long callers wait for a schema load in progress before going on without it. */
export const DEFAULT_SCHEMA_WAIT_MS = 8_000;

export interface SchemaKey {
  cluster: string;
  host: string;
}

export interface SchemaLoaders {
  /** The text of `/pve-docs/api-viewer/apidoc.js` (no auth needed). */
  fetchApidoc: (signal?: AbortSignal) => Promise<string>;
  /** The PVE version string, e.g. `9.2.11` (GET /version → data.version). */
  getVersion: (signal?: AbortSignal) => Promise<string>;
}

export interface SchemaStoreOptions {
  /** Directory for cached schemas; `null` disables the disk cache. Default: defaultCacheDir(). */
  cacheDir?: string | null;
  logger?: SchemaLogger;
  /** How long a load failure is answered from memory before retrying. Default 60 s. */
  failureTtlMs?: number;
  /** How long a loaded schema is trusted before `/version` is asked again. Default 5 min. */
  versionTtlMs?: number;
  /** Per-loader-call timeout of the load itself (in the background). Default 30 s. */
  timeoutMs?: number;
  /** How long callers wait, from the start of a load, before SchemaUnavailableError. Default 8 s. */
  waitMs?: number;
  now?: () => number;
}

interface Loaded {
  host: string;
  version: string | undefined;
  index: ApiIndex;
  checkedAt: number;
}

const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class SchemaStore {
  private readonly loaded = new Map<string, Loaded>();
  private readonly failures = new Map<string, SchemaUnavailableError>();
  /** Loads in progress, with the (wall-clock) time after which nobody waits for them any more. */
  private readonly inflight = new Map<string, { promise: Promise<ApiIndex>; waitUntil: number }>();
  private readonly cacheDir: string | null;
  private readonly now: () => number;

  constructor(private readonly opts: SchemaStoreOptions = {}) {
    // The one place this library reads the environment; cli.ts may pass cacheDir explicitly.
    this.cacheDir = opts.cacheDir === undefined ? defaultCacheDir(process.env, homedir()) : opts.cacheDir;
    this.now = opts.now ?? Date.now;
  }

  /**
   * The schema index for a cluster. Concurrent callers share one load; `signal` only stops this
   * caller's wait, never the shared download. Rejects with SchemaUnavailableError (or, when
   * `signal` aborts, with its reason); never with anything else. Nobody waits past `waitMs` from the
   * start of the load: a later caller of a load that is already that old goes on at once.
   */
  get(key: SchemaKey, loaders: SchemaLoaders, signal?: AbortSignal | (() => AbortSignal)): Promise<ApiIndex> {
    const current = this.loaded.get(key.cluster);
    const fresh = current && current.host === key.host && this.now() - current.checkedAt < this.versionTtl;
    if (fresh) return Promise.resolve(current.index);
    const failure = this.failures.get(key.cluster);
    if (failure && failure.retryAfter > this.now()) return Promise.reject(failure);
    let pending = this.inflight.get(key.cluster);
    if (!pending) {
      const promise = this.load(key, loaders).finally(() => this.inflight.delete(key.cluster));
      pending = { promise, waitUntil: Date.now() + this.waitMs };
      this.inflight.set(key.cluster, pending);
    }
    const waitMs = this.waitMs;
    const tooSlow = () =>
      new SchemaUnavailableError(
        key.cluster,
        `still loading after ${waitMs >= 1000 ? `${Math.round(waitMs / 1000)} s` : `${waitMs} ms`} (a slow node or link); it goes on loading in the background`,
        this.now(),
      );
    // A function is called only here: a fresh schema (every call but the first few) costs no signal.
    return bounded(
      pending.promise,
      pending.waitUntil - Date.now(),
      tooSlow,
      typeof signal === 'function' ? signal() : signal,
    );
  }

  /** The loaded index without any I/O (for cheap paths such as search). */
  peek(cluster: string): ApiIndex | undefined {
    return this.loaded.get(cluster)?.index;
  }

  /** Forget a cluster (config reload); the disk cache stays valid and is reused. */
  invalidate(cluster: string): void {
    this.loaded.delete(cluster);
    this.failures.delete(cluster);
  }

  private get waitMs(): number {
    return this.opts.waitMs ?? DEFAULT_SCHEMA_WAIT_MS;
  }

  private get versionTtl(): number {
    return this.opts.versionTtlMs ?? 5 * 60_000;
  }

  private signal(): AbortSignal {
    return AbortSignal.timeout(this.opts.timeoutMs ?? 30_000);
  }

  private async load(key: SchemaKey, loaders: SchemaLoaders): Promise<ApiIndex> {
    const previous = this.loaded.get(key.cluster);
    let version: string | undefined;
    let versionError: unknown;
    try {
      version = (await loaders.getVersion(this.signal())).trim() || undefined;
    } catch (err) {
      versionError = err;
    }
    if (previous && previous.host === key.host && (version === undefined || version === previous.version)) {
      // Same version (or /version is down but we have a schema): keep what we have.
      previous.checkedAt = this.now();
      return previous.index;
    }
    try {
      const tree = await this.fromDisk(key.host, version);
      const index = new ApiIndex(tree ?? (await this.download(key.host, version, loaders)), { version });
      this.loaded.set(key.cluster, { host: key.host, version, index, checkedAt: this.now() });
      this.failures.delete(key.cluster);
      return index;
    } catch (err) {
      const failureTtl = this.opts.failureTtlMs ?? 60_000;
      const reason = versionError
        ? `${reasonOf(err)} (and /version failed: ${reasonOf(versionError)})`
        : reasonOf(err);
      const failure = new SchemaUnavailableError(key.cluster, reason, this.now() + failureTtl, {
        cause: err,
      });
      this.opts.logger?.warn?.(failure.message);
      if (previous && previous.host === key.host) {
        // A newer version could not be loaded: the older schema is still far better than none.
        // Retry once the failure TTL is over rather than on every call.
        previous.checkedAt = this.now() - this.versionTtl + failureTtl;
        return previous.index;
      }
      this.failures.set(key.cluster, failure);
      throw failure;
    }
  }

  private async fromDisk(host: string, version: string | undefined): Promise<ApiTreeNode[] | undefined> {
    if (!this.cacheDir || !version) return undefined;
    const file = cacheFileName(this.cacheDir, host, version);
    const tree = await readCachedTree(file, host, version, this.opts.logger);
    if (tree) this.opts.logger?.debug?.(`schema for ${host} ${version} read from ${file}`);
    return tree;
  }

  private async download(
    host: string,
    version: string | undefined,
    loaders: SchemaLoaders,
  ): Promise<ApiTreeNode[]> {
    const text = await loaders.fetchApidoc(this.signal());
    const tree = parseApidocJs(text);
    // Without a version the file could not be told apart from a later one: memory only.
    if (this.cacheDir && version) {
      const file = cacheFileName(this.cacheDir, host, version);
      try {
        await writeCachedTree(file, { host, version, tree });
        await removeOtherVersions(this.cacheDir, host, version);
      } catch (err) {
        this.opts.logger?.warn?.(`could not write schema cache ${file}: ${reasonOf(err)}`);
      }
    }
    return tree;
  }
}

/**
 * The load's outcome, or `tooSlow()` once `waitMs` are over, or the signal's reason when it aborts.
 * The bound is a plain timer on purpose: a timeout signal combined with AbortSignal.any() is held
 * only weakly and, once garbage-collected, never fires (Node 20), which let a first call wait for
 * as long as the download took.
 */
function bounded<T>(
  promise: Promise<T>,
  waitMs: number,
  tooSlow: () => Error,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (waitMs <= 0) return Promise.reject(tooSlow());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => finish(() => reject(signal?.reason));
    const timer = setTimeout(() => finish(() => reject(tooSlow())), waitMs);
    function finish(settle: () => void): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => finish(() => resolve(v)),
      (e: unknown) => finish(() => reject(e)),
    );
  });
}
