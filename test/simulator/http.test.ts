import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { DEMO_AUTH, SimClient, json } from './helpers.js';

let sim: Simulator;
let c: SimClient;
beforeAll(async () => {
  sim = await startSimulator({ taskDurationMs: 30 });
  c = new SimClient(sim);
});
afterAll(async () => {
  await c.close();
  await sim.close();
});

describe('envelope and headers', () => {
  it('wraps results in {"data": ...} with PVE headers', async () => {
    const res = await c.api('GET', '/version');
    expect(res.status).toBe(200);
    expect(res.reason).toBe('OK');
    expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(res.headers.server).toBe('pve-api-daemon/3.0');
    expect(res.headers['cache-control']).toBe('max-age=0');
    expect(res.headers.pragma).toBe('no-cache');
    expect(res.headers.connection).not.toBe('close');
    expect(Object.keys(json(res))).toEqual(['data']);
  });

  it('puts the error text in the reason phrase and, since 8.3, in "message"', async () => {
    const res = await c.api('GET', '/nodes/pve1/qemu/999/status/current');
    expect(res.status).toBe(500);
    expect(res.reason).toBe("Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist");
    expect(res.headers.connection).toBe('close');
    expect(json(res)).toEqual({
      data: null,
      message: "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist\n",
    });
  });

  it('answers 501 for unknown paths and methods, without a trailing newline', async () => {
    const res = await c.api('GET', '/nodes/pve1/bogus');
    expect([res.status, res.reason]).toEqual([501, "Method 'GET /nodes/pve1/bogus' not implemented"]);
    expect(json(res)).toEqual({ data: null, message: "Method 'GET /nodes/pve1/bogus' not implemented" });
    const put = await c.api('PUT', '/version', { body: '' });
    expect([put.status, put.reason]).toEqual([501, "Method 'PUT /version' not implemented"]);
  });

  it('gzips bodies over 1 KiB when the client accepts it', async () => {
    const res = await c.api('GET', '/cluster/resources', { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    const plain = await c.api('GET', '/version', { headers: { 'accept-encoding': 'gzip' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect((await c.api('GET', '/cluster/resources')).headers['content-encoding']).toBeUndefined();
  });

  it('tolerates empty path fragments like RESTHandler', async () => {
    expect((await c.call('GET', '/api2/json//version/')).status).toBe(200);
  });

  it('refuses other formats and non-API paths', async () => {
    const fmt = await c.call('GET', '/api2/xml/version');
    expect([fmt.status, fmt.reason]).toEqual([501, 'no formatter for uri /version, xml']);
    expect((await c.call('GET', '/api2')).reason).toBe('no such uri');
    expect((await c.call('GET', '/index.html')).status).toBe(404);
  });
});

describe('transport checks (pve-http-server)', () => {
  it('refuses methods other than GET/POST/PUT/DELETE', async () => {
    const res = await c.api('PATCH', '/version', { body: '' });
    expect([res.status, res.reason]).toEqual([501, "method 'PATCH' not available"]);
  });

  it('refuses a body on GET and DELETE', async () => {
    const res = await c.api('GET', '/version', { body: 'a=1' });
    expect([res.status, res.reason]).toEqual([501, "Unexpected content for method 'GET'"]);
    const del = await c.api('DELETE', '/nodes/pve1/qemu/102', { body: 'purge=1' });
    expect([del.status, del.reason]).toEqual([501, "Unexpected content for method 'DELETE'"]);
  });

  it('refuses bodies over 512 KiB', async () => {
    const res = await c.api('POST', '/nodes/pve1/qemu/100/snapshot', {
      body: `description=${'x'.repeat(530 * 1024)}`,
    });
    expect([res.status, res.reason]).toEqual([501, 'for data too large']);
  });

  it('refuses chunked request bodies', async () => {
    // Node's own client sends chunked when no Content-Length is given (undici refuses to set it by hand).
    const res = await new Promise<{ status: number; reason: string }>((resolve, reject) => {
      const req = httpsRequest(
        {
          host: sim.host,
          port: sim.port,
          method: 'POST',
          path: '/api2/json/nodes/pve1/qemu/100/snapshot',
          ca: sim.certPem,
          headers: { authorization: DEMO_AUTH },
        },
        (r) => {
          resolve({ status: r.statusCode ?? 0, reason: r.statusMessage ?? '' });
          r.resume();
        },
      );
      req.on('error', reject);
      req.write('snapname=x');
      req.end();
    });
    expect(res).toEqual({ status: 501, reason: 'chunked transfer encoding not supported' });
  });

  it('answers 506 for unsupported content types on POST/PUT', async () => {
    const res = await c.api('POST', '/nodes/pve1/qemu/100/snapshot', {
      body: 'snapname=x',
      contentType: 'text/plain',
    });
    expect([res.status, res.reason]).toEqual([506, "upload 'Content-Type 'text/plain' not implemented"]);
  });
});

describe('parameters', () => {
  it('takes GET parameters from the query string', async () => {
    const vms = await c.data<Array<{ type: string }>>('GET', '/cluster/resources?type=vm');
    expect(vms.every((r) => r.type === 'qemu' || r.type === 'lxc')).toBe(true);
  });

  it('takes POST/PUT parameters from form or JSON bodies, the query winning', async () => {
    await c.data('PUT', '/nodes/pve1/qemu/100/config', { body: 'description=from-form' });
    expect(await c.data('GET', '/nodes/pve1/qemu/100/config')).toMatchObject({ description: 'from-form' });
    await c.data('PUT', '/nodes/pve1/qemu/100/config?description=from-query', {
      body: JSON.stringify({ description: 'from-json', onboot: true }),
      contentType: 'application/json',
    });
    expect(await c.data('GET', '/nodes/pve1/qemu/100/config')).toMatchObject({
      description: 'from-query',
      onboot: 1,
    });
  });

  it('rejects a query or body parameter that contradicts the path', async () => {
    const res = await c.api('GET', '/nodes/pve1/qemu/100/config?vmid=101');
    expect([res.status, res.reason]).toEqual([400, 'Parameter verification failed.']);
    expect(json(res).errors).toEqual({
      vmid: 'duplicate parameter (already defined in URI) with conflicting values!',
    });
    expect((await c.api('GET', '/nodes/pve1/qemu/100/config?vmid=100')).status).toBe(200);
  });

  it('drops the _dc cache buster', async () => {
    expect((await c.api('GET', '/version?_dc=12345')).status).toBe(200);
  });

  it('answers 400 for a body that is not a JSON object', async () => {
    for (const body of ['{"a":', '[1,2]']) {
      const res = await c.api('PUT', '/nodes/pve1/qemu/100/config', {
        body,
        contentType: 'application/json',
      });
      expect(res.status).toBe(400);
      expect(res.reason).toMatch(/^failed to decode JSON body/);
    }
  });

  it('returns the lowest free VMID as a string and validates an asserted one', async () => {
    expect(await c.data('GET', '/cluster/nextid')).toBe('106');
    expect(await c.data('GET', '/cluster/nextid?vmid=150')).toBe('150');
    const taken = await c.api('GET', '/cluster/nextid?vmid=100');
    expect(json(taken)).toMatchObject({ errors: { vmid: 'VM 100 already exists' } });
  });
});

describe('test controls', () => {
  it('records every request with its status and body', async () => {
    await c.api('POST', '/nodes/pve1/qemu/100/snapshot', { body: 'snapname=recorded' });
    const rec = sim.requests.at(-1);
    expect(rec).toMatchObject({
      method: 'POST',
      path: '/api2/json/nodes/pve1/qemu/100/snapshot',
      body: 'snapname=recorded',
      status: 200,
    });
    expect(rec?.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('answers garbage for a path prefix', async () => {
    sim.setGarbage('/nodes/pve2');
    const res = await c.api('GET', '/nodes/pve2/status');
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.text)).toThrow();
    expect((await c.api('GET', '/nodes/pve1/status')).status).toBe(200);
    sim.setGarbage('/api2/json/version');
    const garbage = await c.api('GET', '/version');
    expect(() => JSON.parse(garbage.text)).toThrow();
    sim.setGarbage(null);
    expect(json(await c.api('GET', '/nodes/pve2/status')).data).toBeTruthy();
  });

  it('delays every answer by the configured latency', async () => {
    sim.setLatency(120);
    const t = Date.now();
    await c.api('GET', '/version');
    expect(Date.now() - t).toBeGreaterThanOrEqual(110);
    sim.setLatency(0);
  });
});
