import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';

/**
 * What a client receives is its own: changing a result (an in-process client gets objects, not
 * text) must not change the server's state, e.g. the cached API schema that later answers and the
 * parameter pre-flight rely on.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

function arrays(value: unknown, out: unknown[][] = []): unknown[][] {
  if (Array.isArray(value)) out.push(value);
  if (value && typeof value === 'object') for (const v of Object.values(value)) arrays(v, out);
  return out;
}

it('changing a describe result changes neither the next answer nor the pre-flight', async () => {
  const args = { path: '/cluster/resources', method: 'GET' };
  const first = await h.call('proxmox_api_describe', args);
  const pristine = structuredClone(first.structuredContent);
  const found = arrays(first.structuredContent).filter((a) => a.includes('vm'));
  expect(found.length).toBeGreaterThan(0); // the `type` enum (vm, storage, node, sdn) is in there
  for (const a of found) a.push('INJECTED');
  const second = await h.call('proxmox_api_describe', args);
  expect(second.structuredContent).toEqual(pristine);
  const call = await h.call('proxmox_api_call', {
    method: 'GET',
    path: '/cluster/resources',
    data: { type: 'INJECTED' },
  });
  expect(call.isError).toBe(true);
  expect(JSON.stringify(call.content)).toMatch(/nothing was sent/);
});
