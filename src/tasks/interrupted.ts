import { ProxmoxError } from '../proxmox/errors.js';

/**
 * A wait that could not learn how a task ended: its status could not be read (the node, a proxy or
 * the token failed us) before the wait's time ran out. Says nothing about the task itself, which was
 * started and may well be running or done: the tools that started it report "started, outcome
 * unknown" with the UPID; get_task reports it as a failed read.
 */
export class TaskWaitInterrupted extends ProxmoxError {
  constructor(
    readonly upid: string,
    /** The last poll's error. */
    readonly lastError: ProxmoxError,
    /** Status reads that failed in a row. */
    readonly failedPolls: number,
    readonly waitedSeconds: number,
  ) {
    super(
      lastError.code,
      `reading the task's status failed${failedPolls > 1 ? ` ${failedPolls} times in ${waitedSeconds} s` : ''} (last: ${lastError.message})`,
      lastError.facts,
      { cause: lastError },
    );
    this.name = 'TaskWaitInterrupted';
  }
}
