import type { ProxmoxClient, RequestContext } from '../proxmox/client.js';
import { ProxmoxError } from '../proxmox/errors.js';
import { parseUpid, type Upid } from './upid.js';

/** How many lines of the task log a report carries: enough to see why a task failed, not a flood. */
export const LOG_TAIL_LINES = 20;

export interface TaskLine {
  n: number;
  t: string;
}

/** What we know about a task, as a tool returns it. */
export interface TaskReport {
  upid: string;
  node: string;
  type: string;
  id: string;
  user: string;
  status: 'running' | 'stopped';
  /** PVE's verdict once stopped: "OK", "WARNINGS: n", or the error text. */
  exitstatus?: string;
  /** Stopped with OK or warnings. Undefined while running. */
  ok?: boolean;
  starttime: number;
  endtime?: number;
  /**
   * Seconds: PVE's endtime − starttime once stopped, and only when PVE gave an end time (the time we
   * happened to look says nothing about how long the task took); now − start while running.
   */
  duration_s?: number;
  log: TaskLine[];
  log_total?: number;
  /** Why the log could not be read (the status is known; the log is a bonus). */
  log_error?: string;
}

export interface ReadOptions {
  signal?: AbortSignal;
  context?: RequestContext;
}

interface StatusAnswer {
  status?: string;
  exitstatus?: string;
  starttime?: number;
  /** Not in PVE's status answer today; used if a version or an imitation sends it. */
  endtime?: number;
  type?: string;
  id?: string;
  user?: string;
  tokenid?: string;
}

export function upidOrThrow(client: ProxmoxClient, upid: string): Upid {
  const parsed = parseUpid(upid);
  if (!parsed) {
    throw new ProxmoxError(
      'INVALID_PATH',
      `"${upid}" is not a task UPID (UPID:node:pid:pstart:starttime:type:id:user:); actions and proxmox_api_call return them`,
      { cluster: client.cluster.name, method: 'GET', path: '/nodes/{node}/tasks/{upid}/status' },
    );
  }
  return parsed;
}

export function taskPath(u: Upid, leaf: 'status' | 'log'): string {
  return `/nodes/${u.node}/tasks/${u.upid}/${leaf}`;
}

/** One status poll: running or stopped, and PVE's exit status once stopped. */
export async function readTaskStatus(
  client: ProxmoxClient,
  u: Upid,
  opts: ReadOptions,
): Promise<{ status: 'running' | 'stopped'; exitstatus?: string; raw: StatusAnswer }> {
  const raw = await client.request<StatusAnswer>('GET', taskPath(u, 'status'), {}, opts);
  const status = raw?.status === 'stopped' ? 'stopped' : 'running';
  return { status, ...(raw?.exitstatus !== undefined ? { exitstatus: String(raw.exitstatus) } : {}), raw };
}

/** The last LOG_TAIL_LINES lines. One request for short logs; a second for the end of long ones. */
export async function readLogTail(
  client: ProxmoxClient,
  u: Upid,
  opts: ReadOptions,
): Promise<{ lines: TaskLine[]; total?: number }> {
  const first = await client.requestFull<TaskLine[]>(
    'GET',
    taskPath(u, 'log'),
    { start: 0, limit: LOG_TAIL_LINES },
    opts,
  );
  const lines = Array.isArray(first.data) ? first.data : [];
  const total = first.total;
  if (total === undefined || total <= lines.length) return { lines: normalize(lines), total };
  const tail = await client.requestFull<TaskLine[]>(
    'GET',
    taskPath(u, 'log'),
    { start: Math.max(0, total - LOG_TAIL_LINES), limit: LOG_TAIL_LINES },
    opts,
  );
  return { lines: normalize(Array.isArray(tail.data) ? tail.data : []), total: tail.total ?? total };
}

function normalize(lines: TaskLine[]): TaskLine[] {
  return lines.map((l) => ({ n: Number(l.n), t: String(l.t ?? '') }));
}

/**
 * The status endpoint has no end time; the node's task list does. Best effort: a token without
 * Sys.Audit may not see the list, and then the report simply has no duration.
 */
export async function findEndtime(
  client: ProxmoxClient,
  u: Upid,
  opts: ReadOptions,
): Promise<number | undefined> {
  try {
    const rows = await client.request<Array<{ upid?: string; endtime?: number }>>(
      'GET',
      `/nodes/${u.node}/tasks`,
      {
        since: u.starttime,
        typefilter: u.type,
        ...(/^\d+$/.test(u.id) ? { vmid: Number(u.id) } : {}),
        limit: 100,
      },
      opts,
    );
    const row = Array.isArray(rows) ? rows.find((r) => r.upid === u.upid) : undefined;
    return typeof row?.endtime === 'number' ? row.endtime : undefined;
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    return undefined;
  }
}

/** PVE's exit statuses that mean success: "OK" and "WARNINGS: n". Anything else is a failure. */
export function exitOk(exitstatus: string | undefined): boolean {
  return exitstatus === 'OK' || /^WARNINGS: \d+$/.test(exitstatus ?? '');
}

/** Reads the task once: status, exit status, duration and the log tail. */
export async function readTask(
  client: ProxmoxClient,
  upid: string,
  opts: ReadOptions = {},
): Promise<TaskReport> {
  const u = upidOrThrow(client, upid);
  const st = await readTaskStatus(client, u, opts);
  return buildReport(client, u, st, opts);
}

export async function buildReport(
  client: ProxmoxClient,
  u: Upid,
  st: { status: 'running' | 'stopped'; exitstatus?: string; raw: StatusAnswer },
  opts: ReadOptions,
): Promise<TaskReport> {
  const statusEnd = typeof st.raw.endtime === 'number' ? st.raw.endtime : undefined;
  const [log, listEnd] = await Promise.all([
    readLogTail(client, u, opts).catch((err: unknown) => {
      if (opts.signal?.aborted) throw err;
      return {
        lines: [] as TaskLine[],
        total: undefined,
        error: err instanceof Error ? err.message : String(err),
      };
    }),
    st.status === 'stopped' && statusEnd === undefined
      ? findEndtime(client, u, opts)
      : Promise.resolve(undefined),
  ]);
  const starttime = typeof st.raw.starttime === 'number' ? st.raw.starttime : u.starttime;
  const end = st.status === 'stopped' ? (statusEnd ?? listEnd) : undefined;
  const now = Math.floor(Date.now() / 1000);
  const user = st.raw.tokenid && st.raw.user ? `${st.raw.user}!${st.raw.tokenid}` : u.user;
  return {
    upid: u.upid,
    node: u.node,
    type: u.type,
    id: u.id,
    user,
    status: st.status,
    ...(st.exitstatus !== undefined ? { exitstatus: st.exitstatus } : {}),
    ...(st.status === 'stopped' ? { ok: exitOk(st.exitstatus) } : {}),
    starttime,
    ...(end !== undefined ? { endtime: end } : {}),
    ...(st.status === 'running'
      ? { duration_s: Math.max(0, now - starttime) }
      : end !== undefined
        ? { duration_s: Math.max(0, end - starttime) }
        : {}),
    log: log.lines,
    ...(log.total !== undefined ? { log_total: log.total } : {}),
    ...('error' in log ? { log_error: log.error } : {}),
  };
}
