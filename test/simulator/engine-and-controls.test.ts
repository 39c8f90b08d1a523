import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Interceptor } from '../../src/simulator/exchange.js';
import { startSimulator as startEngine, type Simulator as Engine } from '../../src/simulator/index.js';
import { DEMO_TOKEN_SECRET, startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { DEMO_AUTH, repoRoot, SimClient } from './helpers.js';

/**
 * The engine `proxmox-mcp demo` runs carries no test control and keeps no request log; the controls are
 * interceptors that simulator/testing adds, and its request log never holds a credential.
 */
describe('the engine', () => {
  let engine: Engine;
  let c: SimClient;
  const seen: string[] = [];
  const teapot: Interceptor = async (ex, next) => {
    seen.push(`${ex.method} ${ex.path}`);
    return ex.path.endsWith('/version') ? { status: 418, reason: 'I am a teapot', body: '' } : next();
  };
  beforeAll(async () => {
    engine = await startEngine({ interceptors: [teapot] });
    c = new SimClient(engine);
  });
  afterAll(async () => {
    await c.close();
    await engine.close();
  });

  it('has no request log, faults, garbage or latency switches', () => {
    for (const control of ['requests', 'faults', 'setGarbage', 'setLatency', 'changeCertificate']) {
      expect(control in engine, control).toBe(false);
    }
  });

  it('lets an interceptor answer instead of the API, or pass the request on', async () => {
    expect((await c.api('GET', '/version')).status).toBe(418);
    expect(await c.data('GET', '/nodes')).toHaveLength(3);
    expect(seen).toEqual(['GET /api2/json/version', 'GET /api2/json/nodes']);
  });

  it('is imported by nothing outside src/simulator/testing except through tests', () => {
    const src = path.join(repoRoot, 'src');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !f.startsWith(path.join('simulator', 'testing')),
    );
    const importers = files.filter((f) =>
      /from '[^']*simulator\/testing\/|from '\.\/testing\//.test(readFileSync(path.join(src, f), 'utf8')),
    );
    expect(importers).toEqual([]);
  });
});

describe('the request log of the testing simulator', () => {
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

  it('keeps the token id a request named, never its secret or a ticket cookie', async () => {
    const before = sim.requests.length;
    await c.api('GET', '/version');
    await c.api('GET', '/version', { auth: null });
    await c.api('GET', '/version', { auth: 'PVEAPIToken=root@pam!mcp=wrong-secret' });
    await c.api('GET', '/version', {
      auth: null,
      headers: { cookie: 'PVEAuthCookie=PVE:root@pam:TICKETSECRET' },
    });
    const [token, none, wrong, ticket] = sim.requests.slice(before);
    expect(token).toMatchObject({ status: 200, authorization: { present: true, tokenId: 'root@pam!mcp' } });
    expect(none).toMatchObject({ status: 401, authorization: { present: false } });
    expect(wrong).toMatchObject({ status: 401, authorization: { present: true, tokenId: 'root@pam!mcp' } });
    const log = JSON.stringify(sim.requests);
    expect(log).not.toContain(DEMO_TOKEN_SECRET);
    expect(log).not.toContain(DEMO_AUTH);
    expect(log).not.toContain('wrong-secret');
    expect(log).not.toContain('TICKETSECRET');
    expect(token!.headers).not.toHaveProperty('authorization');
    expect(ticket!.headers).not.toHaveProperty('cookie');
    expect(ticket!.authorization).toEqual({ present: false });
  });

  it('is off with record: false, and the simulator answers as before', async () => {
    const quiet = await startSimulator({ record: false });
    const q = new SimClient(quiet);
    try {
      expect((await q.api('GET', '/version')).status).toBe(200);
      expect(quiet.requests).toEqual([]);
    } finally {
      await q.close();
      await quiet.close();
    }
  });
});
