import { z } from 'zod';
import { readTask } from '../tasks/read-task.js';
import { renderTask, taskFailed } from '../tasks/render.js';
import { taskReportSchema } from '../tasks/report-schema.js';
import { MAX_WAIT_SECONDS, waitForTask } from '../tasks/wait.js';
import { upid } from './fields.js';
import { defineTool } from './types.js';

export const getTask = defineTool({
  name: 'get_task',
  title: 'Task status, outcome and log',
  description: `Reports a Proxmox task (a UPID returned by an action, guest_action or proxmox_api_call): running or stopped, PVE's exit status (OK, WARNINGS: n, or the error), duration, and the last lines of its log. With wait_seconds it waits for the task to stop (up to ${MAX_WAIT_SECONDS} s), sending progress notifications; a task still running when the time is up is reported as running, so call again to keep waiting. A failed task is returned as an error with PVE's exit status and log lines: report that, do not claim success. The node is read from the UPID.`,
  input: {
    upid,
    wait_seconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_WAIT_SECONDS)
      .default(0)
      .describe(
        `Wait up to this many seconds for the task to stop (0 = report its state now; at most ${MAX_WAIT_SECONDS})`,
      ),
  },
  output: z.object({ cluster: z.string(), task: taskReportSchema }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  cluster: 'single',
  async handler(args, ctx) {
    const client = ctx.cluster.client;
    const opts = { signal: ctx.signal, context: ctx.requestContext };
    const task =
      args.wait_seconds > 0
        ? await waitForTask(client, args.upid, {
            ...opts,
            waitSeconds: args.wait_seconds,
            onProgress: (p, total, message) => ctx.progress(p, total, message),
          })
        : await readTask(client, args.upid, opts);
    return {
      structured: { cluster: ctx.cluster.name, task },
      text: renderTask(task, ctx.cluster.name),
      ...(taskFailed(task) ? { isError: true } : {}),
    };
  },
});
