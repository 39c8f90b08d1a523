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
  description: `Reports a task (UPID from an action): running or stopped, PVE's exit status (OK, WARNINGS: n, or the error), duration and the last log lines. wait_seconds waits for it to stop (max ${MAX_WAIT_SECONDS} s, with progress); still running then: call again. A failed task is an error result with its exit status and log: report it, do not claim success.`,
  input: {
    upid,
    wait_seconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_WAIT_SECONDS)
      .default(0)
      .describe(`Seconds to wait for the task to stop (0 = its state now)`),
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
