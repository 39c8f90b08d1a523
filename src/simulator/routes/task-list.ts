import { Reply, type RouteDef } from '../route-types.js';
import type { Task } from '../tasks.js';
import { nodeProp } from './props.js';

/** GET /nodes/{node}/tasks and the task-list row shared with /cluster/tasks (PVE/API2/Tasks.pm). */

/** A token's tasks carry 'user@realm!token'; the API splits it into user and tokenid. */
export function splitUser(user: string): { user: string; tokenid?: string } {
  const m = /^(.+)!([^!]+)$/.exec(user);
  return m ? { user: m[1] ?? user, tokenid: m[2] } : { user };
}

/** The decoded UPID fields every task answer starts with (list rows and task status alike). */
export function upidFields(t: Task): Record<string, string | number> {
  return {
    upid: t.upid,
    node: t.node,
    pid: t.pid,
    pstart: t.pstart,
    starttime: t.starttime,
    type: t.type,
    id: t.id,
    ...splitUser(t.user),
  };
}

/** One row of a task list. Running tasks have no endtime; the node list marks them RUNNING. */
export function taskListItem(t: Task, markRunning: boolean): Record<string, string | number> {
  const item = upidFields(t);
  if (t.done) {
    item.endtime = t.endtime ?? t.starttime;
    item.status = t.exitstatus ?? 'OK';
  } else if (markRunning) {
    item.status = 'RUNNING';
  }
  return item;
}

function statusClass(t: Task): string {
  if (!t.done) return 'running';
  if (t.exitstatus === 'OK') return 'ok';
  return /^WARNINGS: \d+$/.test(t.exitstatus ?? '') ? 'warning' : 'error';
}

export const taskListRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/nodes/{node}/tasks',
    name: 'node_tasks',
    description: 'Tasks of the node, newest first; filters narrow them.',
    proxyto: 'node',
    permissions: {
      user: 'all',
    },
    parameters: {
      additionalProperties: 0,
      properties: {
        errors: {
          description: 'only tasks that failed',
          default: 0,
          optional: 1,
          type: 'boolean',
        },
        limit: {
          default: 50,
          minimum: 0,
          optional: 1,
          type: 'integer',
        },
        node: nodeProp,
        since: {
          description: 'started at or after, unix time',
          optional: 1,
          type: 'integer',
        },
        source: {
          description: 'archive: finished, active: running, or all',
          default: 'archive',
          enum: ['archive', 'active', 'all'],
          optional: 1,
          type: 'string',
        },
        start: {
          description: 'skip this many',
          default: 0,
          minimum: 0,
          optional: 1,
          type: 'integer',
        },
        statusfilter: {
          description: 'e.g. ok,error,warning',
          format: 'pve-task-status-type-list',
          optional: 1,
          type: 'string',
        },
        typefilter: {
          description: 'task type, e.g. vzdump or qmstart',
          optional: 1,
          type: 'string',
        },
        until: {
          description: 'started at or before, unix time',
          optional: 1,
          type: 'integer',
        },
        userfilter: {
          description: 'who started it',
          optional: 1,
          type: 'string',
        },
        vmid: {
          description: "only this guest's",
          format: 'pve-vmid',
          maximum: 999999999,
          minimum: 100,
          optional: 1,
          type: 'integer',
        },
      },
    },
    returns: {
      items: {
        properties: {
          endtime: { optional: 1, renderer: 'timestamp', type: 'integer' },
          id: { type: 'string' },
          node: { type: 'string' },
          pid: { type: 'integer' },
          pstart: { type: 'integer' },
          starttime: { renderer: 'timestamp', type: 'integer' },
          status: { optional: 1, type: 'string' },
          type: { type: 'string' },
          upid: { type: 'string' },
          user: { type: 'string' },
        },
        type: 'object',
      },
      links: [{ href: '{upid}', rel: 'child' }],
      type: 'array',
    },
    handler: ({ params, state, caller }) => {
      const node = params.str('node') ?? '';
      const audit = caller.privileges.has(`/nodes/${node}`, 'Sys.Audit');
      const source = params.str('source') ?? 'archive';
      const userfilter = params.str('userfilter')?.toLowerCase();
      const statuses = params
        .str('statusfilter')
        ?.split(/[,;\s]+/)
        .map((s) => s.toLowerCase());
      const vmid = params.str('vmid');
      const rows = state.tasks
        .all()
        .filter((t) => t.node === node && (audit || t.user === caller.authid))
        .filter((t) => (source === 'archive' ? t.done : source === 'active' ? !t.done : true))
        .filter((t) => !params.bool('errors') || (t.done && t.exitstatus !== 'OK'))
        .filter((t) => params.str('typefilter') === undefined || t.type === params.str('typefilter'))
        .filter((t) => userfilter === undefined || t.user.toLowerCase().includes(userfilter))
        .filter((t) => vmid === undefined || t.id === vmid)
        .filter(
          (t) =>
            t.starttime >= (params.int('since') ?? 0) && t.starttime <= (params.int('until') ?? Infinity),
        )
        .filter((t) => statuses === undefined || statuses.includes(statusClass(t)))
        .sort((a, b) => b.starttime - a.starttime || b.pid - a.pid);
      const start = params.int('start') ?? 0;
      const limit = params.int('limit') ?? 50;
      return new Reply(
        rows.slice(start, start + limit).map((t) => taskListItem(t, true)),
        rows.length,
      );
    },
  },
];
