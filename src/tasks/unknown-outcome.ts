import type { TaskWaitInterrupted } from './interrupted.js';

/**
 * The result text when PVE accepted a write (it returned a UPID) but the wait for its task could not
 * finish: the action is named as started, so it is not repeated, and get_task is the next step.
 */
export function unknownOutcomeText(
  action: string,
  request: { method: string; path: string },
  err: TaskWaitInterrupted,
): string {
  return `The ${action} was started (${request.method} ${request.path}, UPID ${err.upid}); its outcome is unknown because ${err.message}. Check with get_task ${err.upid} before doing anything else.`;
}
