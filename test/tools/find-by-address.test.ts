import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/**
 * An assistant asked "which guest is 192.168.10.125?" may try the name filter. /cluster/resources has no
 * addresses, so that finds nothing: the answer says where addresses are instead of leaving "no such guest"
 * to be concluded (scenario job 11 then asks the running guests with get_guest).
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('get_cluster_resources given an address as a name', () => {
  it.each(['192.168.10.125', '192.168.10.0/24', 'fe80::be24:11ff:fe00:6900'])(
    '%s: says names are not addresses',
    async (name) => {
      const r = await h.call('get_cluster_resources', { name });
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(textOf(r)).toContain('Names are not addresses');
      expect(textOf(r)).toContain('get_guest');
    },
  );

  it('a name that matches nothing gets no such advice', async () => {
    expect(textOf(await h.call('get_cluster_resources', { name: 'nosuchguest' }))).not.toContain('addresses');
  });
});
