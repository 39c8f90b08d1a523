import { connect } from 'node:tls';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { SimClient } from './helpers.js';

/** Sends raw bytes over TLS and returns whatever comes back before the server closes. */
function raw(sim: Simulator, payload: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: sim.host, port: sim.port, ca: sim.certPem }, () => socket.end(payload));
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
    socket.on('close', () => resolve(out));
    socket.on('error', () => resolve(out));
  });
}

describe('never crashes on odd input', () => {
  let sim: Simulator;
  let c: SimClient;
  beforeAll(async () => {
    sim = await startSimulator();
    c = new SimClient(sim);
  });
  afterAll(async () => {
    await c.close();
    await sim.close();
  });

  it('answers weird paths with PVE errors', async () => {
    const cases: Array<[string, number]> = [
      ['/api2/json/%zz', 501],
      ['/api2/json/nodes/%00/status', 500],
      ['/api2/json/nodes/pve1/qemu/%E2%82%AC/config', 400],
      ['/api2/json/nodes/pve1/qemu/100/config?vmid=%FF', 400],
      ['/api2/json/../../etc/passwd', 501],
      [`/api2/json/${'a/'.repeat(2000)}`, 501],
      ['/api2/json/nodes/pve1/tasks/UPID%3A%3A%3A/status', 400],
    ];
    for (const [p, status] of cases) expect((await c.call('GET', p)).status, p).toBe(status);
  });

  it('keeps reason phrases single-line and latin-1 safe', async () => {
    const res = await c.call('GET', '/api2/json/nodes/%E2%82%AC%0D%0AX-Evil:%201/status');
    expect(res.status).toBe(500);
    expect(res.headers['x-evil']).toBeUndefined();
    expect(res.reason).toMatch(/^hostname lookup/);
  });

  it('survives malformed HTTP, huge headers and odd bodies', async () => {
    expect(await raw(sim, 'NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    const huge = `GET /api2/json/version HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`;
    expect(await raw(sim, huge)).toMatch(/^HTTP\/1\.1 431/);
    const bodies = ['', '=', '&&&', 'a=1&a=2&a', '%', 'snapname=%ZZ', '\u0000\u0001'];
    for (const body of bodies) {
      const res = await c.api('POST', '/nodes/pve1/qemu/100/snapshot', { body });
      expect([200, 400], JSON.stringify(body)).toContain(res.status);
    }
    const jsonBodies = [
      'null',
      '"str"',
      '{"snapname":{"a":1}}',
      '{"snapname":["a","b"]}',
      '{"snapname":null}',
    ];
    for (const body of jsonBodies) {
      expect(
        (await c.api('POST', '/nodes/pve1/qemu/100/snapshot', { body, contentType: 'application/json' }))
          .status,
        body,
      ).toBe(400);
    }
    expect((await c.api('HEAD', '/version')).status).toBe(501);
  });

  it('still answers normally afterwards', async () => {
    expect(await c.data('GET', '/version')).toMatchObject({ release: '9.2' });
  });
});

describe('close()', () => {
  const handles = (): number =>
    process
      .getActiveResourcesInfo()
      .filter((r) => ['TCPServerWrap', 'TCPSocketWrap', 'TLSWrap', 'Timeout'].includes(r)).length;

  it('closes keep-alive sockets, drops pending delayed answers and leaves nothing running', async () => {
    const before = handles();
    const sim = await startSimulator({ authDelayMs: 10_000 });
    const agent = new Agent({ connect: { ca: sim.certPem } });
    const ok = await request(`${sim.url}/pve-docs/api-viewer/apidoc.js`, { dispatcher: agent });
    expect(ok.statusCode).toBe(200);
    await ok.body.text();
    // One answer held back by the auth delay, one by latency: both timers must go away.
    const delayed = request(`${sim.url}/api2/json/version`, { dispatcher: agent }).catch((e: Error) => e);
    sim.setLatency(10_000);
    const slow = request(`${sim.url}/pve-docs/api-viewer/apidoc.js`, { dispatcher: agent }).catch(
      (e: Error) => e,
    );
    await new Promise((r) => setTimeout(r, 50));
    const t = Date.now();
    await sim.close();
    expect(Date.now() - t).toBeLessThan(1000);
    expect(await delayed).toBeInstanceOf(Error);
    expect(await slow).toBeInstanceOf(Error);
    await agent.destroy();
    await new Promise((r) => setImmediate(r));
    expect(handles()).toBeLessThanOrEqual(before);
    await expect(
      request(`${sim.url}/api2/json/version`, { dispatcher: new Agent({ connect: { ca: sim.certPem } }) }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
