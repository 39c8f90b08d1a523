import { fail } from '../errors.js';
import { markStarted, markStopped, type Guest, type Snapshot } from '../fleet.js';
import { configDigest } from '../guest-status.js';
import type { HandlerContext } from '../route-types.js';
import { guestMaxmem } from '../stats.js';
import { deleteSnapshotLines, rollbackLines, snapshotLines } from '../task-scripts.js';
import { lockError, startTask } from './helpers.js';

/**
 * Snapshots (AbstractConfig snapshot_create/_delete/_rollback). As in PVE, the checks happen inside the
 * worker: a duplicate name, a missing snapshot or a locked guest make the task fail, not the request. While
 * a task runs, the guest carries a lock ('snapshot', 'snapshot-delete', 'rollback') and the snapshot a
 * snapstate.
 */

/** The snapshot list, oldest first, then PVE's "current" pseudo entry. */
export function listSnapshots(g: Guest): Array<Record<string, string | number>> {
  const out: Array<Record<string, string | number>> = g.snapshots.map((s) => {
    const item: Record<string, string | number> = {
      name: s.name,
      snaptime: s.snaptime,
      description: s.description,
    };
    if (g.type === 'qemu') item.vmstate = s.vmstate ? 1 : 0;
    if (s.parent !== undefined) item.parent = s.parent;
    if (s.snapstate !== undefined) item.snapstate = s.snapstate;
    return item;
  });
  const current: Record<string, string | number> = {
    name: 'current',
    digest: configDigest(g),
    description: 'You are here!',
  };
  if (g.type === 'qemu') current.running = g.status === 'running' ? 1 : 0;
  if (g.config.parent !== undefined) current.parent = String(g.config.parent);
  return [...out, current];
}

export function create(ctx: HandlerContext, g: Guest): string {
  const name = ctx.params.str('snapname') ?? '';
  if (name === 'current' || (g.type === 'qemu' && name.toLowerCase() === 'pending')) {
    throw fail(`unable to use snapshot name '${name}' (reserved name)`);
  }
  const base = { type: g.type === 'qemu' ? 'qmsnapshot' : 'vzsnapshot', id: String(g.vmid) };
  const error = g.snapshots.some((s) => s.name === name)
    ? `snapshot name '${name}' already used`
    : lockError(g);
  if (error) return startTask(ctx, { ...base, error });

  // The RAM state is only saved for a running VM: that is the long task with many log lines.
  const withState = g.type === 'qemu' && ctx.params.bool('vmstate') && g.status === 'running';
  const config = { ...g.config };
  delete config.lock;
  delete config.parent;
  const snap: Snapshot = {
    name,
    description: ctx.params.str('description') ?? '',
    snaptime: ctx.state.clock.nowSec(),
    vmstate: withState,
    parent: g.config.parent === undefined ? undefined : String(g.config.parent),
    snapstate: 'prepare',
    config,
  };
  g.snapshots.push(snap);
  g.config.lock = 'snapshot';
  return startTask(ctx, {
    ...base,
    lines: snapshotLines(g, name, withState ? Math.round(guestMaxmem(g) * g.profile.memFraction) : undefined),
    durationMs: withState ? ctx.state.tasks.defaultDuration * 10 : undefined,
    onSuccess: () => {
      delete snap.snapstate;
      delete g.config.lock;
      g.config.parent = name;
    },
    onFailure: () => {
      g.snapshots = g.snapshots.filter((s) => s !== snap);
      delete g.config.lock;
    },
  });
}

export function remove(ctx: HandlerContext, g: Guest): string {
  const name = ctx.params.str('snapname') ?? '';
  const base = { type: g.type === 'qemu' ? 'qmdelsnapshot' : 'vzdelsnapshot', id: String(g.vmid) };
  const snap = g.snapshots.find((s) => s.name === name);
  const error = !snap ? `snapshot '${name}' does not exist` : lockError(g);
  if (error || !snap) return startTask(ctx, { ...base, error });
  snap.snapstate = 'delete';
  g.config.lock = 'snapshot-delete';
  return startTask(ctx, {
    ...base,
    lines: deleteSnapshotLines(g, name),
    onSuccess: () => {
      g.snapshots = g.snapshots.filter((s) => s !== snap);
      for (const s of g.snapshots) if (s.parent === name) s.parent = snap.parent;
      if (g.config.parent === name) {
        if (snap.parent === undefined) delete g.config.parent;
        else g.config.parent = snap.parent;
      }
      delete g.config.lock;
    },
    onFailure: () => {
      delete snap.snapstate;
      delete g.config.lock;
    },
  });
}

export function rollback(ctx: HandlerContext, g: Guest): string {
  const name = ctx.params.str('snapname') ?? '';
  const base = { type: g.type === 'qemu' ? 'qmrollback' : 'vzrollback', id: String(g.vmid) };
  const snap = g.snapshots.find((s) => s.name === name);
  const error = !snap
    ? `snapshot '${name}' does not exist`
    : snap.snapstate
      ? `unable to rollback to incomplete snapshot (snapstate = ${snap.snapstate})`
      : lockError(g);
  if (error || !snap) return startTask(ctx, { ...base, error });
  g.config.lock = 'rollback';
  return startTask(ctx, {
    ...base,
    lines: rollbackLines(g, name),
    onSuccess: () => {
      g.config = { ...snap.config, parent: name };
      // The guest is stopped for the rollback; a RAM snapshot (or start=1) brings it back up.
      markStopped(g);
      if ((g.type === 'qemu' && snap.vmstate) || ctx.params.bool('start'))
        markStarted(g, ctx.state.clock.nowSec());
    },
    onFailure: () => {
      delete g.config.lock;
    },
  });
}
