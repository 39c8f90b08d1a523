import { fail, paramError } from '../errors.js';
import type { Guest, GuestType } from '../fleet.js';
import type { Handler, HandlerContext } from '../route-types.js';
import type { TaskSpec } from '../tasks.js';

/** Helpers shared by route handlers. */

/** RESTHandler's find_handler skips empty path fragments, so '//nodes/' is '/nodes'. */
export function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

/** load_config on the node the request names. */
export function loadGuest(ctx: HandlerContext, type: GuestType): Guest {
  return ctx.state.fleet.guest(ctx.params.str('node') ?? '', type, ctx.params.int('vmid') ?? 0);
}

/** 'VM' or 'CT', as PVE's guest_type() words its messages. */
export function guestLabel(type: GuestType): 'VM' | 'CT' {
  return type === 'qemu' ? 'VM' : 'CT';
}

/**
 * Options only root@pam may use. Every simulator caller is an API token ('root@pam!mcp' is not
 * 'root@pam'), so setting one is always refused, as on a real cluster.
 */
export function rootOnly(ctx: HandlerContext, names: readonly string[]): void {
  for (const name of names) {
    if (ctx.params.bool(name)) throw paramError({ [name]: 'Only root may use this option.' });
  }
}

/** The message of AbstractConfig check_lock, or undefined when the guest is not locked. */
export function lockError(g: Guest): string | undefined {
  return g.config.lock === undefined
    ? undefined
    : `${guestLabel(g.type)} is locked (${String(g.config.lock)})`;
}

/** AbstractConfig check_lock. */
export function checkLock(g: Guest): void {
  const err = lockError(g);
  if (err !== undefined) throw fail(err);
}

/** fork_worker: starts a task on the request's node for the caller and returns its UPID. */
export function startTask(ctx: HandlerContext, spec: Omit<TaskSpec, 'node' | 'user'>): string {
  return ctx.state.tasks.start({ ...spec, node: ctx.params.str('node') ?? '', user: ctx.caller.authid }).upid;
}

/**
 * A directory index listing the route's children in the simulator's own table (real PVE lists a few more).
 * `check` runs first, e.g. to fail for a guest that does not exist.
 */
export function directoryIndex(check?: (ctx: HandlerContext) => void): Handler {
  return (ctx) => {
    check?.(ctx);
    const key = /^\{(.+)\}$/.exec(ctx.route.returns.links?.[0]?.href ?? '')?.[1] ?? 'name';
    const depth = splitPath(ctx.route.path).length;
    const children: string[] = [];
    for (const route of ctx.state.routes) {
      const segments = splitPath(route.path);
      if (segments.length <= depth || !route.path.startsWith(`${ctx.route.path}/`)) continue;
      const child = segments[depth] ?? '';
      if (!child.startsWith('{') && !children.includes(child)) children.push(child);
    }
    return children.map((c) => ({ [key]: c }));
  };
}
