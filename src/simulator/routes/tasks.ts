import { paramError, permError } from '../errors.js';
import { Reply, type HandlerContext, type RouteDef } from '../route-types.js';
import { decodeUpid, type Task } from '../tasks.js';
import { directoryIndex } from './helpers.js';
import { indexReturns, nodeProp, upidProp } from './props.js';
import { upidFields } from './task-list.js';

/** One task: /nodes/{node}/tasks/{upid} and its status and log (PVE/API2/Tasks.pm). */

/** The task a request names, with PVE's parameter errors; non-owners need `priv` on the node. */
function findTask(ctx: HandlerContext, priv: string): Task {
  const upid = ctx.params.str('upid') ?? '';
  const node = ctx.params.str('node') ?? '';
  if (!decodeUpid(upid)) throw paramError({ upid: 'unable to parse worker upid' });
  const task = ctx.state.tasks.find(node, upid);
  if (!task) throw paramError({ upid: 'no such task' });
  if (task.user !== ctx.caller.authid && !ctx.caller.privileges.has(`/nodes/${node}`, priv)) {
    throw permError(`/nodes/${node}, ${priv}`);
  }
  return task;
}

const plainUpid = { type: 'string' } as const;

export const taskRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/nodes/{node}/tasks/{upid}',
    name: 'upid_index',
    description: '',
    permissions: { user: 'all' },
    parameters: { additionalProperties: 0, properties: { node: nodeProp, upid: plainUpid } },
    returns: indexReturns('name'),
    handler: directoryIndex(),
  },
  {
    method: 'DELETE',
    path: '/nodes/{node}/tasks/{upid}',
    name: 'stop_task',
    description: 'Aborts a running task.',
    proxyto: 'node',
    protected: 1,
    permissions: {
      user: 'all',
    },
    parameters: { additionalProperties: 0, properties: { node: nodeProp, upid: plainUpid } },
    returns: { type: 'null' },
    handler: (ctx) => {
      ctx.state.tasks.stop(findTask(ctx, 'Sys.Modify'));
      return null;
    },
  },
  {
    method: 'GET',
    path: '/nodes/{node}/tasks/{upid}/status',
    name: 'read_task_status',
    description: 'Whether a task still runs, and how it ended.',
    proxyto: 'node',
    protected: 1,
    permissions: {
      user: 'all',
    },
    parameters: { additionalProperties: 0, properties: { node: nodeProp, upid: upidProp } },
    returns: {
      properties: {
        exitstatus: { optional: 1, type: 'string' },
        id: { type: 'string' },
        node: { type: 'string' },
        pid: { type: 'integer' },
        pstart: { type: 'integer' },
        starttime: { type: 'integer' },
        status: { enum: ['running', 'stopped'], type: 'string' },
        type: { type: 'string' },
        upid: { type: 'string' },
        user: { type: 'string' },
      },
      type: 'object',
    },
    handler: (ctx) => {
      const t = findTask(ctx, 'Sys.Audit');
      const status: Record<string, string | number> = {
        ...upidFields(t),
        status: t.done ? 'stopped' : 'running',
      };
      if (t.done) status.exitstatus = t.exitstatus ?? 'OK';
      return status;
    },
  },
  {
    method: 'GET',
    path: '/nodes/{node}/tasks/{upid}/log',
    name: 'read_task_log',
    description: 'Log lines of a task.',
    proxyto: 'node',
    protected: 1,
    permissions: {
      user: 'all',
    },
    parameters: {
      additionalProperties: 0,
      properties: {
        limit: {
          description: 'at most this many lines',
          default: 50,
          minimum: 0,
          optional: 1,
          type: 'integer',
        },
        node: nodeProp,
        start: {
          description: 'skip this many lines',
          default: 0,
          minimum: 0,
          optional: 1,
          type: 'integer',
        },
        upid: upidProp,
      },
    },
    returns: {
      items: {
        properties: {
          n: { type: 'integer' },
          t: { type: 'string' },
        },
        type: 'object',
      },
      type: 'array',
    },
    // PVE::Tools::dump_logfile: 1-based n, total = lines in the file, limit 0 = to the end.
    handler: (ctx) => {
      const lines = ctx.state.tasks.log(findTask(ctx, 'Sys.Audit'));
      if (lines.length === 0) return new Reply([{ n: 1, t: 'no content' }], 1);
      const start = ctx.params.int('start') ?? 0;
      const limit = ctx.params.int('limit') ?? 50;
      const page = lines.slice(start, limit === 0 ? undefined : start + limit);
      return new Reply(
        page.map((t, i) => ({ n: start + i + 1, t })),
        lines.length,
      );
    },
  },
];
