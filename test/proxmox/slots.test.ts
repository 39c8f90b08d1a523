import { describe, expect, it } from 'vitest';
import { RequestAborted, RequestTimedOut } from '../../src/proxmox/request-errors.js';
import { Slots } from '../../src/proxmox/slots.js';

describe('Slots: bounded requests in flight per cluster', () => {
  it('grants up to its size at once, then in arrival order as slots are released', async () => {
    const slots = new Slots(2);
    const a = await slots.acquire(1_000);
    const b = await slots.acquire(1_000);
    const order: string[] = [];
    const c = slots.acquire(1_000).then((r) => (order.push('c'), r));
    const d = slots.acquire(1_000).then((r) => (order.push('d'), r));
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual([]);
    a();
    a(); // releasing twice frees one slot, not two
    (await c)();
    b();
    (await d)();
    expect(order).toEqual(['c', 'd']);
  });

  it('a wait that outlasts the time limit fails as a timeout and leaves the queue', async () => {
    const slots = new Slots(1);
    const held = await slots.acquire(1_000);
    await expect(slots.acquire(50)).rejects.toBeInstanceOf(RequestTimedOut);
    held();
    const next = await slots.acquire(50); // the timed-out waiter did not take the slot
    next();
  });

  it('a cancelled wait fails as cancelled; an already-cancelled one never queues', async () => {
    const slots = new Slots(1);
    const held = await slots.acquire(1_000);
    const controller = new AbortController();
    const waiting = slots.acquire(1_000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(RequestAborted);
    await expect(slots.acquire(1_000, AbortSignal.abort())).rejects.toBeInstanceOf(RequestAborted);
    held();
    (await slots.acquire(50))();
  });
});
