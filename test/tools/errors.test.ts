import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN_SECRET } from '../../src/simulator/testing/index.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

const WRONG_SECRET = '00000000-dead-beef-0000-000000000000';

/** Every result and log line of these tests is checked for the secrets at the end. */
const seen: string[] = [];
async function call(h: Harness, name: string, args: Record<string, unknown> = {}) {
  const r = await h.call(name, args);
  seen.push(JSON.stringify(r));
  return r;
}

describe('errors name the cause and the fix', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      clusters: [
        { name: 'demo' },
        { name: 'badtoken', config: { tokenSecret: WRONG_SECRET } },
        {
          name: 'nopriv',
          sim: {
            tokens: [{ user: 'mcp@pve', tokenId: 'ro', secret: DEMO_TOKEN_SECRET, privsep: true, acl: [] }],
          },
          config: { user: 'mcp@pve', tokenId: 'ro' },
        },
        { name: 'verify', tls: () => ({ mode: 'verify' }) },
        { name: 'verifyca', tls: (sim) => ({ mode: 'verify', ca: sim.certPem }) },
        { name: 'badpin', tls: () => ({ mode: 'fingerprint', fingerprint: Array(32).fill('AB').join(':') }) },
        { name: 'insecure', tls: () => ({ mode: 'insecure' }) },
        { name: 'slow', config: { timeoutMs: 300 } },
        // No schema (as on a node whose /pve-docs is blocked): calls go out unchecked, so these
        // tests see PVE's own 400/501 answers rather than our pre-flight.
        { name: 'noschema' },
      ],
    });
    h.sims.noschema!.setGarbage('/pve-docs');
  });
  afterAll(async () => {
    const all = [...seen, ...h.logs].join('\n');
    expect(all).not.toContain(DEMO_TOKEN_SECRET);
    expect(all).not.toContain(WRONG_SECRET);
    await h?.close();
  });

  it('401: a wrong token says which token and what to check', async () => {
    const r = await call(h, 'list_nodes', { cluster: 'badtoken' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(
      /^Authentication failed \(401 Authentication failed!\) for GET \/nodes on cluster "badtoken"/,
    );
    expect(textOf(r)).toContain('root@pam!mcp');
    expect(textOf(r)).toMatch(/token_secret/);
  });

  it('403: names the missing privilege and the pveum command, with the privilege-separation pitfall', async () => {
    const r = await call(h, 'proxmox_api_call', {
      cluster: 'nopriv',
      path: '/nodes/pve1/qemu/100/status/start',
      method: 'POST',
    });
    expect(r.isError).toBe(true);
    const t = textOf(r);
    expect(t).toMatch(/lacks VM\.PowerMgmt on \/vms\/100/);
    expect(t).toContain("pveum acl modify /vms/100 --tokens 'mcp@pve!ro' --roles PVEVMUser");
    expect(t).toMatch(/privilege separation/);
  });

  it('an under-privileged token sees empty lists, and the answer says why', async () => {
    const r = await call(h, 'get_cluster_resources', { cluster: 'nopriv', type: 'vm' });
    expect(r.isError).toBeFalsy();
    expect(textOf(r)).toMatch(/under-privileged token/);
  });

  it('501: an unknown endpoint points to proxmox_api_describe', async () => {
    const r = await call(h, 'proxmox_api_call', { cluster: 'noschema', path: '/nodes/pve1/bogus' });
    expect(textOf(r)).toMatch(
      /No such API endpoint: Method 'GET \/nodes\/pve1\/bogus' not implemented \(501\)/,
    );
  });

  it('400: lists the parameters PVE rejected', async () => {
    const r = await call(h, 'proxmox_api_call', {
      cluster: 'noschema',
      path: '/nodes/pve1/qemu/100/snapshot',
      method: 'POST',
      data: { vmstate: 'true' },
    });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/snapname: property is missing and it is not optional/);
    expect(textOf(r)).toMatch(/vmstate: type check \('boolean'\) failed - got 'true'/);
  });

  it('500: a missing guest says so and where to look', async () => {
    const r = await call(h, 'proxmox_api_call', { path: '/nodes/pve1/qemu/999/status/current' });
    expect(textOf(r)).toMatch(
      /Not found: Configuration file 'nodes\/pve1\/qemu-server\/999\.conf' does not exist/,
    );
  });

  it('595: an offline node is named as unreachable, and the rest keeps working', async () => {
    h.sims.demo!.setNodeOnline('pve3', false);
    try {
      const r = await call(h, 'proxmox_api_call', { path: '/nodes/pve3/status' });
      expect(textOf(r)).toMatch(/595 No route to host/);
      expect(textOf(r)).toMatch(/offline/);
      const nodes = await call(h, 'list_nodes');
      const rows = (nodes.structuredContent as { nodes: Array<{ node: string; status: string }> }).nodes;
      expect(rows.find((n) => n.node === 'pve3')!.status).toBe('offline');
    } finally {
      h.sims.demo!.setNodeOnline('pve3', true);
    }
  });

  it('TLS verify against a self-signed certificate fails before sending, and prints the fingerprint to pin', async () => {
    const sim = h.sims.verify!;
    const before = sim.requests.length;
    const r = await call(h, 'list_nodes', { cluster: 'verify' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain(`"fingerprint": "${sim.fingerprint}"`);
    expect(textOf(r)).toMatch(/No request was sent/);
    expect(sim.requests.length).toBe(before);
  });

  it('TLS verify with the CA given, a matching pin, or verification off all work', async () => {
    for (const cluster of ['verifyca', 'demo', 'insecure']) {
      const r = await call(h, 'list_nodes', { cluster });
      expect(r.isError, `${cluster}: ${textOf(r)}`).toBeFalsy();
    }
  });

  it('a wrong pin is refused during the handshake: the token never reaches the server', async () => {
    const sim = h.sims.badpin!;
    const before = sim.requests.length;
    const r = await call(h, 'list_nodes', { cluster: 'badpin' });
    expect(textOf(r)).toMatch(/TLS pin mismatch for cluster "badpin"/);
    expect(textOf(r)).toContain(sim.fingerprint);
    expect(sim.requests.length).toBe(before);
  });

  it('a slow cluster times out with advice, and the server keeps answering', async () => {
    h.sims.slow!.setLatency(2_000);
    try {
      const r = await call(h, 'list_nodes', { cluster: 'slow' });
      expect(textOf(r)).toMatch(/timed out after 300 ms/);
      expect(textOf(r)).toMatch(/timeout_ms/);
    } finally {
      h.sims.slow!.setLatency(0);
    }
    expect((await call(h, 'list_nodes', { cluster: 'demo' })).isError).toBeFalsy();
  });

  it('garbage instead of JSON is reported, not crashed on', async () => {
    h.sims.demo!.setGarbage('/api2/json/nodes');
    try {
      const r = await call(h, 'list_nodes');
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(/not with JSON/);
    } finally {
      h.sims.demo!.setGarbage(null);
    }
  });

  it('cluster "*" reports failing clusters beside the others', async () => {
    const r = await call(h, 'list_nodes', { cluster: '*' });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent as {
      nodes: Array<{ cluster: string }>;
      failed: Array<{ cluster: string; error: string }>;
    };
    expect(new Set(s.nodes.map((n) => n.cluster))).toEqual(
      new Set(['demo', 'verifyca', 'insecure', 'slow', 'nopriv', 'noschema']),
    );
    expect(s.failed.map((f) => f.cluster).sort()).toEqual(['badpin', 'badtoken', 'verify']);
    expect(textOf(r)).toMatch(/Failed clusters:\n- badtoken: Authentication failed/);
  });
});

describe('network failures', () => {
  let h: Harness;
  let closedPort: number;
  beforeAll(async () => {
    // A port that was just free: connecting to it is refused.
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    closedPort = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    h = await startHarness({
      clusters: [
        { name: 'demo' },
        { name: 'refused', config: { origin: `https://127.0.0.1:${closedPort}`, port: closedPort } },
        {
          name: 'nodns',
          config: {
            origin: 'https://no-such-host.invalid:8006',
            host: 'no-such-host.invalid',
            port: 8006,
            timeoutMs: 5_000,
          },
        },
      ],
    });
  });
  afterAll(async () => h?.close());

  it('connection refused names host, port and pveproxy', async () => {
    const r = await call(h, 'list_nodes', { cluster: 'refused' });
    expect(textOf(r)).toBe(
      `Connection to 127.0.0.1:${closedPort} refused for cluster "refused". Is the address right and pveproxy running? The PVE API listens on port 8006 (https).`,
    );
  });

  it('a name that does not resolve says to check the url', async () => {
    const r = await call(h, 'list_nodes', { cluster: 'nodns' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/Cannot resolve host "no-such-host.invalid"|No route to no-such-host.invalid/);
  });

  it('list_clusters reports each cluster, reachable or not, concurrently', async () => {
    const r = await call(h, 'list_clusters');
    const rows = (
      r.structuredContent as { clusters: Array<{ name: string; reachable: boolean; error?: string }> }
    ).clusters;
    expect(rows.find((c) => c.name === 'demo')!.reachable).toBe(true);
    expect(rows.find((c) => c.name === 'refused')).toMatchObject({ reachable: false });
    expect(rows.find((c) => c.name === 'refused')!.error).toMatch(/refused/);
  });
});
