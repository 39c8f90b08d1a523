import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN_SECRET, startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { DEMO_AUTH, SimClient } from './helpers.js';

async function withSim(
  version: string | undefined,
  fn: (c: SimClient, sim: Simulator) => Promise<void>,
  authDelayMs = 0,
): Promise<void> {
  const sim = await startSimulator({ version, authDelayMs });
  const client = new SimClient(sim);
  try {
    await fn(client, sim);
  } finally {
    await client.close();
    await sim.close();
  }
}

describe('API token authentication (PVE 9.2)', () => {
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

  it('refuses a request without credentials: 401 No ticket, empty body, connection closed', async () => {
    const res = await c.api('GET', '/version', { auth: null });
    expect([res.status, res.reason, res.text]).toEqual([401, 'No ticket', '']);
    expect(res.headers.connection).toBe('close');
    expect(res.headers.server).toBe('pve-api-daemon/3.0');
  });

  it('checks authentication before routing and before decoding parameters', async () => {
    const res = await c.api('GET', '/no/such/path', { auth: null });
    expect([res.status, res.reason]).toEqual([401, 'No ticket']);
    const body = await c.api('PUT', '/nodes/pve1/qemu/100/config', {
      auth: null,
      body: '{',
      contentType: 'application/json',
    });
    expect([body.status, body.reason]).toEqual([401, 'No ticket']);
  });

  it('does not say why a token was refused (>= 9.1.5)', async () => {
    for (const auth of [
      'PVEAPIToken=root@pam!mcp=wrong-secret',
      `PVEAPIToken=root@pam!other=${DEMO_TOKEN_SECRET}`,
      `PVEAPIToken=nobody@pve!mcp=${DEMO_TOKEN_SECRET}`,
      'PVEAPIToken=garbage',
    ]) {
      const res = await c.api('GET', '/version', { auth });
      expect([res.status, res.reason, res.text]).toEqual([401, 'Authentication failed!', '']);
    }
  });

  it('accepts the token with "=" or a space after PVEAPIToken', async () => {
    expect(await c.data('GET', '/version')).toMatchObject({ version: '9.2.11', release: '9.2' });
    const spaced = await c.api('GET', '/version', { auth: `PVEAPIToken root@pam!mcp=${DEMO_TOKEN_SECRET}` });
    expect(spaced.status).toBe(200);
  });

  it('ignores other schemes', async () => {
    const res = await c.api('GET', '/version', { auth: `Bearer ${DEMO_TOKEN_SECRET}` });
    expect([res.status, res.reason]).toEqual([401, 'No ticket']);
  });

  it('splits the token value on the last "="', async () => {
    sim.addToken({ user: 'ops@pve', tokenId: 'eq', secret: 'a=b=c' });
    const res = await c.api('GET', '/version', { auth: 'PVEAPIToken=ops@pve!eq=a=b=c' });
    // The value splits into tokenid 'ops@pve!eq=a=b' and secret 'c', so it fails.
    expect(res.status).toBe(401);
    sim.addToken({ user: 'ops@pve', tokenId: 'plain', secret: 's3cret' });
    expect((await c.api('GET', '/version', { auth: 'PVEAPIToken=ops@pve!plain=s3cret' })).status).toBe(200);
  });

  it('serves /pve-docs without authentication', async () => {
    const res = await c.call('GET', '/pve-docs/api-viewer/apidoc.js', { auth: null });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/javascript/);
    expect(res.text.startsWith('const apiSchema = [')).toBe(true);
  });

  it('records unauthenticated requests too', async () => {
    const before = sim.requests.length;
    await c.api('GET', '/cluster/status', { auth: null });
    const rec = sim.requests.at(-1);
    expect(sim.requests.length).toBe(before + 1);
    expect(rec).toMatchObject({ method: 'GET', path: '/api2/json/cluster/status', status: 401 });
  });
});

describe('authentication details before PVE 9.1.5', () => {
  it('returns the detailed reason', async () => {
    await withSim('9.1.4', async (c) => {
      const cases: Array<[string, string]> = [
        ['PVEAPIToken=root@pam!mcp=wrong', 'invalid token value!'],
        [`PVEAPIToken=root@pam!nope=${DEMO_TOKEN_SECRET}`, "no such token 'nope' for user 'root@pam'"],
        [`PVEAPIToken=dev@pve!mcp=${DEMO_TOKEN_SECRET}`, "no such user ('dev@pve')"],
        ['PVEAPIToken=nosecret', 'no tokenid specified'],
        [
          'PVEAPIToken=root@pam=x',
          "'root@pam' is not a valid token ID - not able to split into user and token parts",
        ],
      ];
      for (const [auth, reason] of cases) {
        const res = await c.api('GET', '/version', { auth });
        expect([res.status, res.reason, res.text]).toEqual([401, reason, '']);
      }
      expect((await c.api('GET', '/version', { auth: DEMO_AUTH })).status).toBe(200);
    });
  });

  it('also on 8.x', async () => {
    await withSim('8.4.14', async (c) => {
      const res = await c.api('GET', '/version', { auth: 'PVEAPIToken=root@pam!mcp=wrong' });
      expect([res.status, res.reason]).toEqual([401, 'invalid token value!']);
    });
  });
});

describe('auth failure delay', () => {
  it('delays 401s by authDelayMs but not successful calls', async () => {
    await withSim(
      undefined,
      async (c) => {
        let t = Date.now();
        expect((await c.api('GET', '/version', { auth: null })).status).toBe(401);
        expect(Date.now() - t).toBeGreaterThanOrEqual(140);
        t = Date.now();
        expect((await c.api('GET', '/version')).status).toBe(200);
        expect(Date.now() - t).toBeLessThan(140);
      },
      150,
    );
  });
});
