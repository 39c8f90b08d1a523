import type { ProxmoxClient } from '../proxmox/client.js';
import { ProxmoxError } from '../proxmox/errors.js';
import { TaskWaitInterrupted } from './interrupted.js';
import { buildReport, readTaskStatus, upidOrThrow, type ReadOptions, type TaskReport } from './read-task.js';

/** The longest any tool waits for a task in one call; beyond that, call get_task again. */
export const MAX_WAIT_SECONDS = 600;
/** What `wait: true` means. */
export const DEFAULT_WAIT_SECONDS = 60;

export interface WaitOptions extends ReadOptions {
  /** 0 reads the status once. */
  waitSeconds: number;
  /** Called after every poll that finds the task still running (MCP progress notifications). */
  onProgress?: (elapsedSeconds: number, totalSeconds: number, message: string) => Promise<void> | void;
  /** Poll delays in ms; grows to the last value. Tests may shorten it. */
  pollDelaysMs?: number[];
  /** Delays before re-reading after a failed status read; grows to the last value. */
  retryDelaysMs?: number[];
}

export interface WaitResult extends TaskReport {
  /** Seconds spent waiting in this call. */
  waited_s: number;
  /** True when the wait ended because the time was up, not because the task stopped. */
  timed_out: boolean;
}

/** Quick at first (most guest actions end within a second or two), then every 2 s. */
const DEFAULT_DELAYS_MS = [250, 500, 1000, 1000, 2000];
/** After a failed status read: a blip (a proxy restarting, one dropped connection) passes in seconds. */
const DEFAULT_RETRY_DELAYS_MS = [500, 1000, 2000, 4000];
const MIN_RETRY_MS = 250;
/** Failures that another read within the same wait will not change. */
const PERMANENT = new Set([
  'AUTH_FAILED',
  'PERMISSION_DENIED',
  'PARAMETER_ERROR',
  'INVALID_PATH',
  'NOT_IMPLEMENTED',
]);

/**
 * The one place that waits for a PVE task: polls its status on the node named in the UPID until it
 * stops or the time is up, reporting progress, and stops promptly when the MCP request is cancelled
 * (the signal aborts both the sleep and any request in flight). Used by get_task, proxmox_api_call
 * and guest_action.
 *
 * Waiting is separate from acting: a status read that fails is read again with backoff while the
 * wait's time lasts, since one bad poll says nothing about the task. When the time runs out on
 * failures, or the failure cannot change (401, 403...), it throws TaskWaitInterrupted naming the UPID.
 */
export async function waitForTask(
  client: ProxmoxClient,
  upid: string,
  opts: WaitOptions,
): Promise<WaitResult> {
  const u = upidOrThrow(client, upid);
  const started = Date.now();
  const deadline = started + opts.waitSeconds * 1000;
  const delays = opts.pollDelaysMs ?? DEFAULT_DELAYS_MS;
  const retryDelays = opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  let attempt = 0;
  let failures = 0;
  for (;;) {
    let st: Awaited<ReturnType<typeof readTaskStatus>>;
    try {
      st = await readTaskStatus(client, u, opts);
      failures = 0;
    } catch (err) {
      if (opts.signal?.aborted || !(err instanceof ProxmoxError) || err.code === 'ABORTED') throw err;
      failures++;
      const waited = Math.round((Date.now() - started) / 1000);
      const delay = retryDelays[Math.min(failures - 1, retryDelays.length - 1)] ?? 4000;
      const remaining = deadline - Date.now();
      // The last read may come at the deadline itself; below MIN_RETRY_MS it is not worth one.
      if (PERMANENT.has(err.code) || remaining < MIN_RETRY_MS) {
        throw new TaskWaitInterrupted(u.upid, err, failures, waited);
      }
      await sleep(Math.min(delay, remaining), opts.signal, client.cluster.name, u.upid);
      continue;
    }
    const now = Date.now();
    if (st.status === 'stopped' || now >= deadline) {
      const report = await buildReport(client, u, st, opts);
      return {
        ...report,
        waited_s: Math.round((Date.now() - started) / 100) / 10,
        timed_out: st.status !== 'stopped' && opts.waitSeconds > 0,
      };
    }
    const elapsed = (now - started) / 1000;
    await opts.onProgress?.(
      Math.round(elapsed * 10) / 10,
      opts.waitSeconds,
      `${u.type}${u.id ? ` ${u.id}` : ''} on ${u.node} still running (${Math.round(elapsed)} s of at most ${opts.waitSeconds} s)`,
    );
    const delay = delays[Math.min(attempt++, delays.length - 1)] ?? 2000;
    await sleep(
      Math.min(delay, Math.max(0, deadline - Date.now())),
      opts.signal,
      client.cluster.name,
      u.upid,
    );
  }
}

function sleep(ms: number, signal: AbortSignal | undefined, cluster: string, upid: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = () =>
      new ProxmoxError('ABORTED', `stopped waiting for task ${upid}: the request was cancelled`, {
        cluster,
        method: 'GET',
        path: `/nodes/…/tasks/${upid}/status`,
      });
    if (signal?.aborted) return reject(aborted());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
