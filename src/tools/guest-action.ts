import { z } from 'zod';
import { renderTask, taskFailed } from '../tasks/render.js';
import { TaskWaitInterrupted } from '../tasks/interrupted.js';
import { taskReportSchema, writeRequestSchema } from '../tasks/report-schema.js';
import { unknownOutcomeText } from '../tasks/unknown-outcome.js';
import { isUpid } from '../tasks/upid.js';
import { waitForTask, type WaitResult } from '../tasks/wait.js';
import { describeError } from './error-result.js';
import { writeMayHaveRun } from './uncertain-write.js';
import { vmid, waitField } from './fields.js';
import { findGuest, guestLabel } from './guest-lookup.js';
import { defineTool } from './types.js';

const ACTIONS = ['start', 'shutdown', 'stop', 'reboot', 'suspend', 'resume'] as const;

/** What each action does, in the words the model needs to choose between them. */
const MEANING: Record<(typeof ACTIONS)[number], string> = {
  start: 'boots it',
  shutdown: 'powers off cleanly via the OS',
  stop: 'cuts power at once (unsaved data is lost)',
  reboot: 'restarts cleanly via the OS',
  suspend: 'pauses a VM in memory or freezes a container',
  resume: 'continues it',
};

export const guestAction = defineTool({
  name: 'guest_action',
  title: 'Start, stop, shut down, reboot, suspend or resume a guest',
  description: `Changes the power state of a VM or container by VMID (node and type are looked up): ${ACTIONS.map((a) => `${a} ${MEANING[a]}`).join('; ')}. Prefer shutdown over stop. Waits (default 60 s) and reports the task's outcome; a failed task is an error; an unknown outcome is said as such and get_task settles it: never repeat an action blindly. wait 0 returns the UPID at once. stop may need the user's confirmation.`,
  input: {
    vmid,
    action: z.enum(ACTIONS).describe('start, shutdown, stop, reboot, suspend or resume'),
    wait: waitField(60),
  },
  output: z.object({
    cluster: z.string(),
    vmid: z.number(),
    type: z.enum(['qemu', 'lxc']),
    node: z.string(),
    name: z.string().optional(),
    action: z.enum(ACTIONS),
    /** What was sent, in every result. */
    request: writeRequestSchema,
    upid: z.string().optional(),
    task: taskReportSchema.optional(),
    /** Set when the outcome is not known: why (the POST got no answer, or the wait was cut short). */
    outcome_unknown: z.string().optional(),
  }),
  // One tool for every action, so the annotations are those of the most drastic one (stop).
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  cluster: 'single',
  async handler(args, ctx) {
    const opts = { signal: ctx.signal, context: ctx.requestContext };
    const guest = await findGuest(ctx.cluster, args.vmid, opts);
    const label = guestLabel(guest);
    const request = {
      method: 'POST' as const,
      path: `/nodes/${guest.node}/${guest.type}/${guest.vmid}/status/${args.action}`,
    };
    const base = {
      cluster: ctx.cluster.name,
      vmid: guest.vmid,
      type: guest.type,
      node: guest.node,
      ...(guest.name ? { name: String(guest.name) } : {}),
      action: args.action,
      request,
    };
    let data: unknown;
    try {
      data = await ctx.cluster.client.request<unknown>(request.method, request.path, {}, opts);
    } catch (err) {
      if (!writeMayHaveRun(err)) throw err;
      // Sent but unanswered: the text says it may have happened and which read settles it. An error
      // result, unlike an interrupted wait below: here PVE never confirmed it took the action.
      const text = describeError(err, ctx.cluster.config);
      return { structured: { ...base, outcome_unknown: text }, text, isError: true };
    }
    const upid = isUpid(data) ? data : undefined;
    const sent = { ...base, request: { ...request, ...(upid ? { upid } : {}) }, ...(upid ? { upid } : {}) };
    if (!upid) {
      return {
        structured: sent,
        text: `${args.action} sent to ${label} on node ${guest.node} (${request.method} ${request.path}).`,
      };
    }
    if (args.wait === 0) {
      return {
        structured: sent,
        text: `${args.action} of ${label} on node ${guest.node} started as task ${upid} (${request.method} ${request.path}). Call get_task with this upid (wait_seconds to wait) to learn how it ended.`,
      };
    }
    let task: WaitResult;
    try {
      task = await waitForTask(ctx.cluster.client, upid, {
        ...opts,
        waitSeconds: args.wait,
        onProgress: (p, total, message) => ctx.progress(p, total, `${args.action} ${label}: ${message}`),
      });
    } catch (err) {
      if (!(err instanceof TaskWaitInterrupted)) throw err;
      // Not isError: PVE accepted the action (it returned a UPID); an error result would read as "the
      // reboot failed" and invite sending it again. The text leads with "was started" instead.
      return {
        structured: { ...sent, outcome_unknown: err.message },
        text: unknownOutcomeText(`${args.action} of ${label}`, request, err),
      };
    }
    return {
      structured: { ...sent, task },
      text: `${args.action} of ${label}:\n${renderTask(task, ctx.cluster.name)}\nSent: ${request.method} ${request.path}`,
      ...(taskFailed(task) ? { isError: true } : {}),
    };
  },
});
