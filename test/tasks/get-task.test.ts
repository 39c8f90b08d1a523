import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

interface TaskResult {
  cluster: string;
  task: {
    upid: string;
    node: string;
    type: string;
    id: string;
    status: string;
    exitstatus?: string;
    ok?: boolean;
    duration_s?: number;
    log: Array<{ n: number; t: string }>;
    log_total?: number;
    timed_out?: boolean;
  };
}

/** The simulator's long task: a RAM snapshot of a running VM runs 10 × taskDurationMs with 60+ log lines. */
async function startLongTask(h: Harness, snapname: string): Promise<string> {
  const r = await h.call('proxmox_api_call', {
    method: 'POST',
    path: '/nodes/pve1/qemu/100/snapshot',
    data: { snapname, vmstate: 1 },
  });
  expect(r.isError, textOf(r)).toBeFalsy();
  const upid = (r.structuredContent as { data: string }).data;
  expect(upid).toMatch(/^UPID:pve1:.*:qmsnapshot:100:/);
  return upid;
}

const statusPolls = (h: Harness, upid: string) =>
  h.sims.demo!.requests.filter((q) => q.method === 'GET' && q.path.includes(`/tasks/${upid}/status`));

describe('tasks', () => {
  let h: Harness;
  beforeAll(async () => {
    // 200 ms per task, so the long task takes about 2 s: long enough to see progress and to cancel.
    h = await startHarness({ clusters: [{ name: 'demo', sim: { taskDurationMs: 200 } }] });
  });
  afterAll(async () => h?.close());

  it('get_task reports a finished task: status, exit status, duration and log, with the node taken from the UPID', async () => {
    const start = await h.call('guest_action', { vmid: 102, action: 'start', wait: 0 });
    const upid = (start.structuredContent as { upid: string }).upid;
    expect(upid).toMatch(/^UPID:pve2:/);
    const r = await h.call('get_task', { upid, wait_seconds: 10 });
    expect(r.isError, textOf(r)).toBeFalsy();
    const s = r.structuredContent as unknown as TaskResult;
    expect(s.task).toMatchObject({
      node: 'pve2',
      type: 'qmstart',
      id: '102',
      status: 'stopped',
      exitstatus: 'OK',
      ok: true,
    });
    expect(typeof s.task.duration_s).toBe('number');
    expect(s.task.log.at(-1)).toMatchObject({ t: 'TASK OK' });
    expect(textOf(r)).toMatch(
      /^Task qmstart 102 on node pve2 \(cluster demo, by root@pam!mcp\) finished: OK, took/,
    );
    // Without waiting, the same answer comes from one status read.
    const again = await h.call('get_task', { upid });
    expect(again.structuredContent).toMatchObject({ task: { status: 'stopped', exitstatus: 'OK' } });
  });

  it('sends progress notifications while waiting and returns the tail of a long log', async () => {
    const upid = await startLongTask(h, 'progress1');
    const progress: Progress[] = [];
    const r = await h.client.callTool(
      { name: 'get_task', arguments: { upid, wait_seconds: 30 } },
      undefined,
      { onprogress: (p) => void progress.push(p) },
    );
    expect(r.isError, textOf(r as never)).toBeFalsy();
    const s = r.structuredContent as unknown as TaskResult;
    expect(s.task).toMatchObject({ status: 'stopped', exitstatus: 'OK' });
    expect(s.task.log_total).toBeGreaterThan(60);
    expect(s.task.log).toHaveLength(20);
    expect(s.task.log.at(-1)).toMatchObject({ n: s.task.log_total, t: 'TASK OK' });
    expect(textOf(r as never)).toMatch(/Last 20 of \d+ log lines:/);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    for (const p of progress) {
      expect(p.total).toBe(30);
      expect(p.message).toMatch(/^qmsnapshot 100 on pve1 still running/);
    }
    const values = progress.map((p) => p.progress);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
  });

  it('stops waiting promptly when the client cancels the call', async () => {
    const upid = await startLongTask(h, 'cancel1');
    const controller = new AbortController();
    let cancelledAt = 0;
    const call = h.client.callTool({ name: 'get_task', arguments: { upid, wait_seconds: 60 } }, undefined, {
      signal: controller.signal,
      onprogress: () => {
        if (!cancelledAt) {
          cancelledAt = Date.now();
          controller.abort('the user pressed stop');
        }
      },
    });
    await expect(call).rejects.toThrow();
    expect(cancelledAt).toBeGreaterThan(0);
    // Let the server notice the cancellation; after that, no more polls may reach the node.
    await new Promise((r) => setTimeout(r, 100));
    const pollsThen = statusPolls(h, upid).length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(statusPolls(h, upid).length).toBe(pollsThen);
    expect(statusPolls(h, upid).every((q) => q.time <= cancelledAt + 100)).toBe(true);
    // The task itself runs on (cancelling a wait does not stop it); let it end before the next test.
    const end = await h.call('get_task', { upid, wait_seconds: 30 });
    expect(end.structuredContent).toMatchObject({ task: { status: 'stopped', exitstatus: 'OK' } });
  });

  it('reports a task still running when the wait is over, and says how to keep waiting', async () => {
    const upid = await startLongTask(h, 'short-wait');
    const r = await h.call('get_task', { upid, wait_seconds: 1 });
    expect(r.isError, textOf(r)).toBeFalsy();
    const s = r.structuredContent as unknown as TaskResult & { task: { waited_s: number } };
    expect(s.task).toMatchObject({ status: 'running', timed_out: true });
    expect(s.task.waited_s).toBeGreaterThanOrEqual(1);
    expect(textOf(r)).toMatch(
      /is still running .* after waiting 1(\.\d)? s\. Call get_task with this upid and wait_seconds/,
    );
    await h.call('get_task', { upid, wait_seconds: 30 });
  });

  it('a failed task is an error result with the exit status and the last log lines', async () => {
    const start = await h.call('guest_action', { vmid: 103, action: 'start', wait: 0 });
    const upid = (start.structuredContent as { upid: string }).upid;
    const r = await h.call('get_task', { upid, wait_seconds: 10 });
    expect(r.isError).toBe(true);
    const s = r.structuredContent as unknown as TaskResult;
    expect(s.task).toMatchObject({
      status: 'stopped',
      ok: false,
      exitstatus: 'start failed: QEMU exited with code 1',
    });
    expect(textOf(r)).toMatch(/FAILED: start failed: QEMU exited with code 1/);
    expect(textOf(r)).toMatch(/TASK ERROR: start failed: QEMU exited with code 1/);
    // Starting a VM that already runs still returns a UPID; the task fails, and so does the call.
    const twice = await h.call('guest_action', { vmid: 100, action: 'start' });
    expect(twice.isError).toBe(true);
    expect(textOf(twice)).toMatch(/VM 100 already running/);
  });

  it('proxmox_api_call with wait returns the task outcome instead of a bare UPID', async () => {
    const r = await h.call('proxmox_api_call', {
      method: 'POST',
      path: '/nodes/pve1/qemu/100/snapshot',
      data: { snapname: 'waited' },
      wait: true,
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    const s = r.structuredContent as { data: string; task: TaskResult['task'] };
    expect(s.data).toMatch(/^UPID:/);
    expect(s.task).toMatchObject({ upid: s.data, status: 'stopped', exitstatus: 'OK', type: 'qmsnapshot' });
    expect(textOf(r)).toMatch(/Task qmsnapshot 100 on node pve1 .* finished: OK/);

    const failed = await h.call('proxmox_api_call', {
      method: 'POST',
      path: '/nodes/pve2/qemu/103/status/start',
      wait: 20,
    });
    expect(failed.isError).toBe(true);
    expect(failed.structuredContent).toMatchObject({ task: { ok: false } });
  });

  it('refuses a malformed UPID and explains an unknown one', async () => {
    const bad = await h.call('get_task', { upid: 'not-a-upid' });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/Invalid arguments for get_task: upid: must be a task UPID/);
    const unknown = await h.call('get_task', {
      upid: 'UPID:pve1:00001234:00005678:6745A1B2:qmstart:100:root@pam!mcp:',
    });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/upid: no such task/);
  });
});
