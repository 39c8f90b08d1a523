import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.js';
import type { ClusterRegistry } from './registry.js';
import { probeVersion } from './schema-access.js';
import { warmUpCallPath } from './warm-call-path.js';

/** A warm-up that has not connected within this gives up quietly; the first real call tries anew. */
const WARM_UP_TIMEOUT_MS = 10_000;
/**
 * Clients ask tools/list right after `initialized`; the warm-up's synchronous parts (compiling the
 * request code, reading the cached schema) would hold that answer up by tens of ms, so they start
 * after it. The first call after 1 s of idle still finds everything ready.
 */
const WARM_UP_DELAY_MS = 100;

const warmed = new WeakSet<ClusterRegistry>();

/**
 * Makes the first call fast (issue 14): right after the client's `initialized`, in the background,
 * pay the call path's one-time costs (warm-call-path.ts), load the request code (undici), open and
 * TLS-check a connection to the default cluster, and load its API schema (from the disk cache, else
 * download it). Once per registry. It never throws and
 * never logs above debug: a cluster that is down is reported by the first call that needs it, with
 * that call's advice, not by a start-up warning nobody asked for. A schema load starts only after
 * `/version` answered, so a down cluster costs one failed connection attempt, nothing more.
 */
export function warmUpDefaultCluster(
  registry: ClusterRegistry,
  logger: Logger,
  /** More one-time work for the same moment: the server loads the tools' code (src/tools/lazy-tools.ts). */
  alsoWarm?: () => void,
): Promise<void> {
  if (warmed.has(registry)) return Promise.resolve();
  warmed.add(registry);
  const handle = registry.get();
  const started = Date.now();
  return sleep(WARM_UP_DELAY_MS)
    .then(() => {
      warmUpCallPath();
      alsoWarm?.();
      // token_from "user": no token of the server's own to connect with; the schema file is public.
      return handle.config.tokenFrom === 'user' ? undefined : probeVersion(handle, WARM_UP_TIMEOUT_MS);
    })
    .then(() => registry.schemaOf(handle))
    .then(
      () => logger.debug(`warm-up of cluster "${handle.name}" done`, { ms: Date.now() - started }),
      (err: unknown) =>
        logger.debug(`warm-up of cluster "${handle.name}" stopped`, {
          ms: Date.now() - started,
          reason: err instanceof Error ? err.message : String(err),
        }),
    );
}
