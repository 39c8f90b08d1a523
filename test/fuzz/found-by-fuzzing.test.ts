import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

// Fixed cases for what the tool-argument fuzzer found, so each stays fixed whatever the seed.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

describe('inputs the fuzzer found mishandled', () => {
  it('a search query word named like an Object.prototype member is an ordinary word', async () => {
    for (const query of ['constructor', 'toString snapshot', '__proto__ hasOwnProperty']) {
      const r = await h.call('proxmox_api_describe', { query });
      expect(textOf(r), query).not.toMatch(/Internal error|not iterable/);
    }
  });

  it('a path with a lone surrogate is refused as invalid Unicode before anything is sent', async () => {
    const before = h.sims.demo!.requests.length;
    const r = await h.call('proxmox_api_call', { path: '/nodes/\ud800' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('path contains invalid Unicode (a lone surrogate)');
    expect(h.sims.demo!.requests.length).toBe(before);
  });

  it('10,000 unknown parameters are refused in a few lines, not a megabyte', async () => {
    const data = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    const r = await h.call('proxmox_api_call', { path: '/nodes/pve1/qemu/100/status/current', data });
    const text = textOf(r);
    expect(r.isError).toBe(true);
    expect(text).toMatch(/^Parameter verification failed .*k0: property is not defined/);
    expect(text).toContain('(and 9990 more)');
    expect(text.length).toBeLessThan(3000);
  });
});
