import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiIndex } from '../../src/schema/index.js';
import { hasShared, realIndex, skipReason } from '../schema/fixtures.js';

/** The schema lookup uses the segments PVE routes on: a volume id with slashes binds `{volume}` whole. */
describe.skipIf(!hasShared)(`schema lookup routes like PVE ${hasShared ? '' : skipReason}`, () => {
  let index: ApiIndex;
  beforeAll(() => {
    index = realIndex('apidoc.json');
  });

  it.each([
    '/nodes/pve1/storage/local/content/local:iso/debian.iso',
    '/nodes/pve1/storage/local/content/local:iso%2Fdebian.iso',
    '/nodes/pve1/storage/local/content/local:iso//debian.iso/',
    '/api2/json/nodes//pve1/storage/local/content/local%3Aiso%2fdebian.iso',
  ])('%s is {volume} = local:iso/debian.iso', (path) => {
    expect(index.match(path)).toEqual({
      template: '/nodes/{node}/storage/{storage}/content/{volume}',
      pathParams: { node: 'pve1', storage: 'local', volume: 'local:iso/debian.iso' },
      unbound: [],
    });
  });

  it('doubled slashes and escaped letters resolve to the template PVE routes', () => {
    expect(index.match('/nodes//pve1/qemu/100/status/%73top/')?.template).toBe(
      '/nodes/{node}/qemu/{vmid}/status/stop',
    );
    expect(index.match('/nodes/{node}/storage/{storage}/content/{volume}')?.unbound).toEqual([
      'node',
      'storage',
      'volume',
    ]);
  });
});
