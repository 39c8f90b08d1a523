import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/**
 * A write whose task cannot be followed to the end still says what was sent and that it was started:
 * the wait is separate from the action. Faults are injected on the task-status path only, so the POST
 * itself always succeeds and returns a UPID.
 */
const STATUS_POLL = /^GET \/nodes\/[^/]+\/tasks\/[^/]+\/status$/;

interface ActionResult {
  request: { method: string; path: string; upid?: string };
  upid?: string;
  task?: { status: string; exitstatus?: string };
  outcome_unknown?: string;
}

describe('a write whose wait is interrupted', () => {
  let h: Harness;
  beforeAll(async () => {
    // A short client timeout so a hanging status poll costs 1 s, not 10.
    h = await startHarness({ clusters: [{ name: 'demo', config: { timeoutMs: 1000 } }] });
  });
  afterEach(() => h.sims.demo!.faults.clear());
  afterAll(async () => h?.close());

  it('one failed status poll does not end the wait: it is read again and the outcome reported', async () => {
    const fault = h.sims.demo!.faults.add({ kind: 'status', status: 500, match: STATUS_POLL, times: 1 });
    const r = await h.call('guest_action', { vmid: 100, action: 'reboot', wait: 20 });
    expect(fault.hits).toBe(1);
    expect(r.isError, textOf(r)).toBeFalsy();
    const s = r.structuredContent as unknown as ActionResult;
    expect(s.task).toMatchObject({ status: 'stopped', exitstatus: 'OK' });
    expect(s.request).toMatchObject({ method: 'POST', path: '/nodes/pve1/qemu/100/status/reboot' });
    expect(textOf(r)).toContain('Sent: POST /nodes/pve1/qemu/100/status/reboot');
  });

  it('a status poll that hangs past the timeout is read again too', async () => {
    const fault = h.sims.demo!.faults.add({ kind: 'hang', match: STATUS_POLL, times: 1 });
    const r = await h.call('guest_action', { vmid: 100, action: 'reboot', wait: 20 });
    expect(fault.hits).toBe(1);
    expect(r.isError, textOf(r)).toBeFalsy();
    expect((r.structuredContent as unknown as ActionResult).task).toMatchObject({ exitstatus: 'OK' });
  });

  it('when the wait cannot finish, the action is named as started, with its UPID, and get_task as the next step', async () => {
    h.sims.demo!.faults.add({ kind: 'status', status: 500, match: STATUS_POLL });
    const r = await h.call('guest_action', { vmid: 100, action: 'reboot', wait: 2 });
    const text = textOf(r);
    // Not an error result: the reboot was accepted by PVE; isError would read as "it failed".
    expect(r.isError, text).toBeFalsy();
    const s = r.structuredContent as unknown as ActionResult;
    expect(s.upid).toMatch(/^UPID:pve1:.*:qmreboot:100:/);
    expect(s.request).toEqual({
      method: 'POST',
      path: '/nodes/pve1/qemu/100/status/reboot',
      upid: s.upid,
    });
    expect(s.outcome_unknown).toMatch(/reading the task's status failed \d+ times/);
    expect(text).toMatch(
      /^The reboot of VM 100 \(web01\) was started \(POST \/nodes\/pve1\/qemu\/100\/status\/reboot, UPID UPID:pve1:\S+\); its outcome is unknown because reading the task's status failed \d+ times in \d+ s \(last: .*500.*\)\. Check with get_task UPID:pve1:\S+ before doing anything else\.$/,
    );
    expect(text).toContain(`get_task ${s.upid}`);
    // The status was polled more than once: one failure does not end the wait.
    const polls = h.sims.demo!.requests.filter(
      (q) => q.method === 'GET' && q.path.endsWith('/status') && q.path.includes(s.upid!),
    );
    expect(polls.length).toBeGreaterThan(1);
  });

  it('a 401 on the status poll ends the wait at once, still naming the started action', async () => {
    h.sims.demo!.faults.add({ kind: 'status', status: 401, match: STATUS_POLL });
    const started = Date.now();
    const r = await h.call('guest_action', { vmid: 100, action: 'reboot', wait: 30 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(textOf(r)).toMatch(
      /^The reboot of VM 100 \(web01\) was started .*its outcome is unknown because reading the task's status failed \(last: .*401/,
    );
  });

  it('proxmox_api_call with wait: the task is named as started, with method, path and UPID', async () => {
    h.sims.demo!.faults.add({ kind: 'status', status: 503, match: STATUS_POLL });
    const r = await h.call('proxmox_api_call', {
      method: 'POST',
      path: '/nodes/pve1/qemu/100/snapshot',
      data: { snapname: 'outcome1' },
      wait: 2,
    });
    const text = textOf(r);
    expect(r.isError, text).toBeFalsy();
    const s = r.structuredContent as unknown as ActionResult & { method: string; path: string; data: string };
    expect(s).toMatchObject({ method: 'POST', path: '/nodes/pve1/qemu/100/snapshot' });
    expect(s.upid).toMatch(/:qmsnapshot:100:/);
    expect(s.data).toBe(s.upid);
    expect(s.outcome_unknown).toMatch(/503/);
    expect(text).toMatch(
      /^The qmsnapshot task was started \(POST \/nodes\/pve1\/qemu\/100\/snapshot, UPID UPID:pve1:\S+\); its outcome is unknown because .*Check with get_task UPID:pve1:\S+ before doing anything else\.$/,
    );
  });
});
