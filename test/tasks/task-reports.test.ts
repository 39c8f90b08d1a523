import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

interface TaskResult {
  task: { status: string; starttime: number; endtime?: number; duration_s?: number; log: unknown[] };
}

describe('task reports say only what PVE said', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ clusters: [{ name: 'demo', sim: { taskDurationMs: 50 } }] });
  });
  afterEach(() => h.sims.demo!.faults.clear());
  afterAll(async () => h?.close());

  it('a finished task without an end time in the task list has no duration, not "time since start"', async () => {
    const start = await h.call('guest_action', { vmid: 102, action: 'start', wait: 0 });
    const upid = (start.structuredContent as { upid: string }).upid;
    // The task ends within 50 ms; we look 1.5 s later, when the task list cannot be read.
    await new Promise((r) => setTimeout(r, 1500));
    h.sims.demo!.faults.add({ kind: 'status', status: 500, match: /^GET \/nodes\/pve2\/tasks$/ });
    const r = await h.call('get_task', { upid, wait_seconds: 5 });
    const s = r.structuredContent as unknown as TaskResult;
    expect(s.task.status).toBe('stopped');
    expect(s.task.endtime).toBeUndefined();
    expect(s.task.duration_s).toBeUndefined();
    expect(textOf(r)).not.toMatch(/took/);
  });

  it('an unknown UPID does not get the booleans hint', async () => {
    const r = await h.call('get_task', {
      upid: 'UPID:pve1:00001234:00ABCDEF:67A0B1C2:qmstart:100:root@pam!mcp:',
    });
    expect(r.isError).toBe(true);
    expect(textOf(r)).not.toMatch(/booleans/);
    expect(textOf(r)).toMatch(
      /^No such task on node "pve1" of cluster "demo".*GET \/nodes\/pve1\/tasks lists/,
    );
  });

  it('400s mention 0/1 only when a boolean was involved', async () => {
    h.sims.demo!.setGarbage('/pve-docs'); // no pre-flight: PVE's own 400s
    try {
      const notBool = await h.call('proxmox_api_call', {
        method: 'POST',
        path: '/nodes/pve1/qemu/100/snapshot',
        data: { description: 'x' },
      });
      expect(textOf(notBool)).toMatch(/snapname: property is missing/);
      expect(textOf(notBool)).not.toMatch(/booleans/);
      const bool = await h.call('proxmox_api_call', {
        method: 'POST',
        path: '/nodes/pve1/qemu/100/snapshot',
        data: { snapname: 'b1', vmstate: 'yes' },
      });
      expect(textOf(bool)).toMatch(/vmstate: type check \('boolean'\) failed/);
      expect(textOf(bool)).toMatch(/booleans are 0\/1/);
    } finally {
      h.sims.demo!.setGarbage(null);
    }
  });

  // Last here: it loads the API schema, which the 400 test above must not have.
  it('get_task keeps waiting through a failed status read, and says so when it cannot read at all', async () => {
    const snap = await h.call('proxmox_api_call', {
      method: 'POST',
      path: '/nodes/pve1/qemu/100/snapshot',
      data: { snapname: 'waitthrough' },
    });
    const upid = (snap.structuredContent as { upid: string }).upid;
    // 500 is not retried by the client itself: only the wait's own retry gets past it.
    const poll = /^GET \/nodes\/pve1\/tasks\/[^/]+\/status$/;
    const once = h.sims.demo!.faults.add({ kind: 'status', status: 500, match: poll, times: 1 });
    const r = await h.call('get_task', { upid, wait_seconds: 10 });
    expect(once.hits).toBe(1);
    expect(r.isError, textOf(r)).toBeFalsy();
    expect((r.structuredContent as unknown as TaskResult).task.status).toBe('stopped');
    h.sims.demo!.faults.add({ kind: 'status', status: 500, match: poll });
    const failed = await h.call('get_task', { upid, wait_seconds: 2 });
    expect(failed.isError).toBe(true);
    expect(
      textOf(failed).startsWith(
        `Could not learn the state of task ${upid}: reading the task's status failed`,
      ),
    ).toBe(true);
  });
});

describe('the 0/1 hint with the API schema at hand', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('with the schema at hand, a 400 naming a boolean parameter gets the 0/1 hint even when sent as 1', async () => {
    const body = JSON.stringify({
      data: null,
      errors: { vmstate: 'cannot save the state of a stopped VM' },
      message: 'Parameter verification failed.\n',
    });
    h.sims.demo!.faults.add({
      kind: 'status',
      status: 400,
      reason: 'Parameter verification failed.',
      body,
      match: 'POST /nodes/pve1/qemu/100/snapshot',
      times: 2,
    });
    const bool = await h.call('proxmox_api_call', {
      method: 'POST',
      path: '/nodes/pve1/qemu/100/snapshot',
      data: { snapname: 'b2', vmstate: 1 },
    });
    expect(textOf(bool)).toMatch(/vmstate: cannot save the state/);
    expect(textOf(bool)).toMatch(/booleans are 0\/1/);
    const other = await h.call('proxmox_api_call', {
      method: 'POST',
      path: '/nodes/pve1/qemu/100/snapshot',
      data: { snapname: 'b3', description: 'x' },
    });
    expect(textOf(other)).toMatch(/vmstate: cannot save the state/);
    expect(textOf(other)).toMatch(/booleans are 0\/1/); // vmstate is a boolean in the schema
  });
});

describe('a running task', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ clusters: [{ name: 'demo', sim: { taskDurationMs: 3000 } }] });
  });
  afterAll(async () => h?.close());

  it('with nothing logged yet says so, not "Last 0 of 1 log lines:"', async () => {
    const start = await h.call('guest_action', { vmid: 102, action: 'start', wait: 0 });
    const upid = (start.structuredContent as { upid: string }).upid;
    const r = await h.call('get_task', { upid });
    const text = textOf(r);
    expect(text).toMatch(/is still running/);
    expect(text).not.toMatch(/Last 0 of/);
  });
});
