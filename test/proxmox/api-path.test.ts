import { describe, expect, it } from 'vitest';
import { InvalidApiPathError, normalizeApiPath, resolveApiPath } from '../../src/proxmox/api-path.js';
import { encodeBody, encodeQuery } from '../../src/proxmox/encode.js';

describe('normalizeApiPath confines paths to /api2/json on the configured host', () => {
  it.each([
    ['/nodes', '/nodes'],
    ['nodes/pve1/qemu', '/nodes/pve1/qemu'],
    ['/api2/json/nodes/pve1/', '/nodes/pve1'],
    [
      '/nodes/pve1/tasks/UPID:pve1:0000ABCD:00112233:65A0B1C2:qmstart:100:root@pam!mcp:/status',
      '/nodes/pve1/tasks/UPID:pve1:0000ABCD:00112233:65A0B1C2:qmstart:100:root@pam!mcp:/status',
    ],
    [
      '/nodes/pve1/storage/local/content/local%3Aiso%2Fdebian.iso',
      '/nodes/pve1/storage/local/content/local:iso%2Fdebian.iso',
    ],
    ['/nodes/%3Ftype=vm', '/nodes/%3Ftype=vm'],
    ['/access/users/mcp%40pve', '/access/users/mcp@pve'],
    ['/nodes/pve 1', '/nodes/pve%201'],
    ['/nodes//pve1//qemu/', '/nodes/pve1/qemu'],
    ['/nodes/pve%252F1', '/nodes/pve%252F1'],
    [
      '/nodes/pve1/storage/local/content/local:iso/debian.iso',
      '/nodes/pve1/storage/local/content/local:iso%2Fdebian.iso',
    ],
    [
      '/nodes/pve1/storage/local/content/local:iso%2f%2Fdebian.iso',
      '/nodes/pve1/storage/local/content/local:iso%2Fdebian.iso',
    ],
  ])('accepts %s', (input, expected) => {
    expect(normalizeApiPath(input)).toBe(expected);
  });

  it.each([
    ['https://evil.example.com/api2/json/nodes', /not a URL/],
    ['//evil.example.com/nodes', /not a URL/],
    ['/nodes/../access/users', /traversal/],
    ['/nodes/%2e%2e/access', /traversal/],
    ['/nodes/%2E%2E/access', /traversal/],
    ['/nodes/.', /traversal/],
    ['/nodes?type=vm', /"\?" or "#"/],
    ['/nodes#x', /"\?" or "#"/],
    ['/nodes/..%2F..%2Faccess', /traversal/],
    ['/nodes\r\nHost: evil', /control characters/],
    ['/nodes/%0d%0aX: y', /control character/],
    ['/nodes%00', /control character/],
    ['/nodes/%5c..', /control character or backslash/],
    ['/nodes\\..\\access', /backslash/],
    ['/nodes/pve1/qemu/100/status%2Fstop', /escaped "\/" \(%2F\).*plain slashes/],
    ['/nodes/pve1%2f', /escaped "\/"/],
    ['/nodes/%2F/pve1', /escaped "\/"/],
    ['/nodes/%C0%AF', /percent-encoding/],
    ['/api2/extjs/nodes', /only the \/api2\/json API/],
    ['/nodes/%E0%A4%A', /percent-encoding/],
    ['', /empty/],
    ['javascript:alert(1)', /not a URL/],
  ])('refuses %j', (input, message) => {
    expect(() => normalizeApiPath(input)).toThrow(InvalidApiPathError);
    expect(() => normalizeApiPath(input)).toThrow(message);
  });
});

describe('resolveApiPath returns the segments PVE routes on', () => {
  it.each([
    ['/nodes/pve1/qemu/100/status/stop/', ['nodes', 'pve1', 'qemu', '100', 'status', 'stop']],
    ['//api2/json'.slice(1) + '//nodes///pve1', ['nodes', 'pve1']],
    ['/access/users/mcp%40pve', ['access', 'users', 'mcp@pve']],
    // PVE decodes once: %252F is the text "%2F", one segment.
    ['/nodes/a%252Fb', ['nodes', 'a%2Fb']],
    // Below …/content/ PVE joins the rest into the volume id, however its slashes were written.
    [
      '/nodes/n/storage/s/content/local:iso/x.iso',
      ['nodes', 'n', 'storage', 's', 'content', 'local:iso/x.iso'],
    ],
    [
      '/nodes/n/storage/s/content/local:iso%2Fx.iso',
      ['nodes', 'n', 'storage', 's', 'content', 'local:iso/x.iso'],
    ],
    [
      '/nodes/n/storage/s/content/local:iso//x.iso/',
      ['nodes', 'n', 'storage', 's', 'content', 'local:iso/x.iso'],
    ],
    ['/nodes/n/storage/s/content', ['nodes', 'n', 'storage', 's', 'content']],
  ])('%s', (input, segments) => {
    expect(resolveApiPath(input).segments).toEqual(segments);
  });

  it('refuses an escaped slash outside the volume id, and traversal inside it', () => {
    expect(() => resolveApiPath('/nodes/n/storage/s/content%2Flocal:iso')).toThrow(/escaped "\/"/);
    expect(() => resolveApiPath('/nodes/n/storage/s/content/local:iso%2F..%2Fx')).toThrow(/traversal/);
  });
});

describe('parameter encoding', () => {
  it('puts GET parameters in the query with booleans as 0/1 and arrays repeated', () => {
    expect(
      encodeQuery({ type: 'vm', full: true, running: false, n: 3, ids: ['a', 'b'], skip: undefined }),
    ).toBe('?type=vm&full=1&running=0&n=3&ids=a&ids=b');
    expect(encodeQuery({})).toBe('');
  });

  it('encodes POST bodies as form (booleans 0/1) or JSON', () => {
    expect(encodeBody({ snapname: 'pre upgrade', vmstate: true }, 'form')).toEqual({
      body: 'snapname=pre+upgrade&vmstate=1',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(encodeBody({ vmstate: true }, 'json')).toEqual({
      body: '{"vmstate":true}',
      contentType: 'application/json',
    });
    expect(encodeBody({}, 'form')).toBeUndefined();
  });
});
