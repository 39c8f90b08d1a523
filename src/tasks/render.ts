import { formatDuration } from '../tools/format.js';
import type { TaskReport } from './read-task.js';
import { nextStep } from './next-step.js';

/** True when PVE says the task failed (stopped with an exit status other than OK / WARNINGS). */
export function taskFailed(r: TaskReport): boolean {
  return r.status === 'stopped' && r.ok === false;
}

/**
 * A compact rendering: one headline (what, where, verdict, duration), then the log tail. The
 * headline says what to do next when the task is still running or failed.
 */
export function renderTask(
  r: TaskReport & { waited_s?: number; timed_out?: boolean },
  cluster: string,
): string {
  const what = `${r.type}${r.id ? ` ${r.id}` : ''} on node ${r.node} (cluster ${cluster}, by ${r.user})`;
  const took = r.duration_s !== undefined ? `, took ${seconds(r.duration_s)}` : '';
  let head: string;
  if (r.status === 'running') {
    head = `Task ${what} is still running (for ${seconds(r.duration_s ?? 0)})${
      r.timed_out ? ` after waiting ${seconds(r.waited_s ?? 0)}` : ''
    }. Call get_task with this upid and wait_seconds to wait for the outcome.`;
  } else if (r.ok) {
    head = `Task ${what} finished: ${r.exitstatus}${took}.`;
  } else {
    head = `Task ${what} FAILED: ${r.exitstatus ?? 'no exit status'}${took}. The log below says why; fix the cause before retrying.`;
  }
  // PVE answers a log with nothing in it yet as one line "no content": that is not a line to count.
  const lines = r.log.filter((l) => l.t !== 'no content');
  const logHead = !lines.length
    ? r.log_error
      ? `The task log could not be read (${r.log_error}).`
      : r.status === 'running'
        ? 'Nothing logged yet.'
        : 'The task log is empty.'
    : r.log_total !== undefined && r.log_total > lines.length
      ? `Last ${lines.length} of ${r.log_total} log lines:`
      : 'Log:';
  const next = nextStep(r);
  return [
    `${head}\nUPID: ${r.upid}`,
    logHead,
    ...lines.map((l) => `  ${l.n}: ${l.t}`),
    ...(next ? [next] : []),
  ].join('\n');
}

function seconds(s: number): string {
  return s < 60 ? `${Math.round(s * 10) / 10} s` : formatDuration(s);
}
