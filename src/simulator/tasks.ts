import type { Clock } from './clock.js';

/**
 * Worker tasks and their UPIDs (pve-common UPID.pm, RESTEnvironment fork_worker). Tasks are advanced
 * lazily: every request first finishes the tasks whose time is up, which keeps their effects in order and
 * leaves no timers behind. A task's log grows in proportion to its elapsed time and ends with PVE's status
 * line ('TASK OK' / 'TASK ERROR: msg').
 */
export interface TaskSpec {
  node: string;
  /** Task type: qmstart, vzsnapshot, ... */
  type: string;
  /** Usually the VMID; may be empty. */
  id: string;
  /** user@realm or user@realm!token */
  user: string;
  lines?: readonly string[];
  /** Makes the task fail with this exit status. */
  error?: string;
  durationMs?: number;
  onSuccess?: () => void;
  /** Cleanup when the task fails or is stopped. */
  onFailure?: () => void;
}

export interface Task {
  readonly upid: string;
  readonly node: string;
  readonly pid: number;
  readonly pstart: number;
  readonly starttime: number;
  readonly type: string;
  readonly id: string;
  readonly user: string;
  readonly startedMs: number;
  readonly durationMs: number;
  readonly lines: readonly string[];
  error?: string;
  done: boolean;
  /** What the log held when the task ended (a killed task keeps only what it had written). */
  logged?: string[];
  endtime?: number;
  exitstatus?: string;
  readonly spec: TaskSpec;
}

const hex8 = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');

export function encodeUpid(
  t: Pick<Task, 'node' | 'pid' | 'pstart' | 'starttime' | 'type' | 'id' | 'user'>,
): string {
  return `UPID:${t.node}:${hex8(t.pid)}:${hex8(t.pstart)}:${hex8(t.starttime)}:${t.type}:${t.id}:${t.user}:`;
}

const UPID_RE =
  /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$/;

export function decodeUpid(
  upid: string,
): { node: string; pid: number; pstart: number; starttime: number } | undefined {
  const m = UPID_RE.exec(upid);
  if (!m) return undefined;
  return {
    node: m[1] ?? '',
    pid: parseInt(m[3] ?? '0', 16),
    pstart: parseInt(m[4] ?? '0', 16),
    starttime: parseInt(m[5] ?? '0', 16),
  };
}

export class TaskManager {
  private readonly tasks: Task[] = [];
  private nextPid = 0x0003a1c4;

  constructor(
    private readonly clock: Clock,
    /** How long a task runs unless its spec says otherwise. */
    readonly defaultDuration: number,
    /** Clock ticks since the node booted, the UPID's pstart. */
    private readonly ticksOf: (node: string) => number,
  ) {}

  start(spec: TaskSpec): Task {
    this.nextPid += 1 + (this.nextPid % 7);
    const starttime = this.clock.nowSec();
    const partial = {
      node: spec.node,
      pid: this.nextPid,
      pstart: this.ticksOf(spec.node),
      starttime,
      type: spec.type,
      id: spec.id,
      user: spec.user,
    };
    const task: Task = {
      ...partial,
      upid: encodeUpid(partial),
      startedMs: this.clock.nowMs(),
      durationMs: spec.durationMs ?? this.defaultDuration,
      lines: spec.lines ?? [],
      error: spec.error,
      done: false,
      spec,
    };
    this.tasks.push(task);
    return task;
  }

  /** A task that ran before the simulator started (history for the task lists). */
  addFinished(spec: TaskSpec & { starttime: number; endtime: number; pid: number; pstart: number }): Task {
    const task: Task = {
      ...spec,
      upid: encodeUpid(spec),
      startedMs: spec.starttime * 1000,
      durationMs: (spec.endtime - spec.starttime) * 1000,
      lines: spec.lines ?? [],
      done: true,
      logged: [...(spec.lines ?? [])],
      endtime: spec.endtime,
      exitstatus: spec.error ?? 'OK',
      spec,
    };
    this.tasks.push(task);
    return task;
  }

  /** Finishes every task whose time is up, oldest first, applying its effects. */
  advance(): void {
    const now = this.clock.nowMs();
    for (const task of this.tasks) {
      if (!task.done && now >= task.startedMs + task.durationMs) this.finish(task, task.error);
    }
  }

  /** DELETE /tasks/{upid}: a killed worker ends "interrupted by signal" and does not apply its effects. */
  stop(task: Task): void {
    if (!task.done) this.finish(task, 'interrupted by signal');
  }

  private finish(task: Task, error: string | undefined): void {
    task.logged = error === 'interrupted by signal' ? this.partial(task) : [...task.lines];
    task.done = true;
    task.error = error;
    task.endtime = this.clock.nowSec();
    task.exitstatus = error ?? 'OK';
    if (error === undefined) task.spec.onSuccess?.();
    else task.spec.onFailure?.();
  }

  find(node: string, upid: string): Task | undefined {
    return this.tasks.find((t) => t.upid === upid && t.node === node);
  }

  all(): readonly Task[] {
    return this.tasks;
  }

  /** The log as PVE's task log file holds it right now. */
  log(task: Task): string[] {
    if (!task.done) return this.partial(task);
    return [...(task.logged ?? []), task.error === undefined ? 'TASK OK' : `TASK ERROR: ${task.error}`];
  }

  private partial(task: Task): string[] {
    const progress = Math.min(1, (this.clock.nowMs() - task.startedMs) / Math.max(1, task.durationMs));
    return task.lines.slice(0, Math.floor(task.lines.length * progress));
  }
}
