import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/doctor/report.js';
import { DEMO_TOKEN_SECRET, startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { assertBuilt, runCli } from '../helpers/cli.js';

/**
 * `proxmox-mcp check`, the built binary, against simulators set up to fail in each way a first setup
 * fails. Every case asserts the diagnosis AND the fix the user is told to apply.
 */
let sim: Simulator;
const AUDIT = ['Sys.Audit', 'VM.Audit', 'Datastore.Audit'];

beforeAll(async () => {
  assertBuilt();
  sim = await startSimulator({
    tokens: [
      { user: 'root@pam', tokenId: 'mcp', secret: DEMO_TOKEN_SECRET },
      // `pveum user token add mcp@pve sep` (privsep defaults to 1) and no ACL for the token.
      { user: 'mcp@pve', tokenId: 'sep', secret: 'sep-secret', privsep: true, acl: [] },
      // A PVEAuditor-only token: read works, write tools would get 403.
      { user: 'mcp@pve', tokenId: 'ro', secret: 'ro-secret', acl: [{ path: '/', privs: AUDIT }] },
    ],
  });
});
afterAll(async () => sim?.close());

function envFor(over: Record<string, string | undefined> = {}): Record<string, string> {
  const base: Record<string, string | undefined> = {
    PROXMOX_URL: sim.url,
    PROXMOX_TOKEN: `root@pam!mcp=${DEMO_TOKEN_SECRET}`,
    PROXMOX_FINGERPRINT: sim.fingerprint,
    ...over,
  };
  return Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));
}

async function check(args: string[], env: Record<string, string>, cwd?: string) {
  const started = Date.now();
  const r = await runCli(['check', ...args], { env, cwd });
  return { ...r, ms: Date.now() - started };
}

function jsonOf(stdout: string): DoctorReport {
  return JSON.parse(stdout) as DoctorReport;
}

const statuses = (r: DoctorReport) =>
  Object.fromEntries(r.clusters[0]!.checks.map((c) => [c.id, c.status])) as Record<string, string>;

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

describe('proxmox-mcp check', () => {
  it('a healthy cluster: every check ok, exit 0, PVE version and certificate shown', async () => {
    const r = await check([], envFor());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^config: environment variables \(PROXMOX_FINGERPRINT, PROXMOX_TOKEN, PROXMOX_URL\)/m,
    );
    for (const id of ['dns', 'tcp', 'tls', 'token', 'privileges', 'schema'])
      expect(r.stdout).toMatch(new RegExp(`^  ok +${id} `, 'm'));
    expect(r.stdout).toMatch(/ok +tls +pinned fingerprint matches/);
    expect(r.stdout).toContain(`SHA-256 ${sim.fingerprint}`);
    expect(r.stdout).toMatch(/ok +token +accepted root@pam!mcp; Proxmox VE 9\.2\.11/);
    expect(r.stdout).toMatch(/ok +privileges +read and write access complete/);
    expect(r.stdout).toMatch(/=> default is usable \(Proxmox VE 9\.2\.11\)/);
    expect(r.stdout).not.toContain('\x1b['); // not a TTY: no colour
    expect(r.stdout + r.stderr).not.toContain(DEMO_TOKEN_SECRET);
  });

  it('wrong secret (401): token rejected, with the pveum command to list the tokens; exit 1', async () => {
    const r = await check([], envFor({ PROXMOX_TOKEN: 'root@pam!mcp=00000000-0000-0000-0000-000000000000' }));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL +token +token rejected: 401 Authentication failed!/);
    expect(r.stdout).toContain('pveum user token list root@pam');
    expect(r.stdout).toContain('PROXMOX_TOKEN (the part after "=") or PROXMOX_TOKEN_SECRET');
    expect(r.stdout).toMatch(/skip +privileges +not tried: the token was not accepted/);
    expect(r.stdout).toMatch(/=> default is NOT usable/);
    expect(r.stdout).toMatch(/0 of 1 cluster usable/);
  });

  it('privilege-separated token without ACL: explains privsep and prints the pveum grants; exit 1', async () => {
    const r = await check(['--json'], envFor({ PROXMOX_TOKEN: 'mcp@pve!sep=sep-secret' }));
    expect(r.code).toBe(1);
    const report = jsonOf(r.stdout);
    expect(statuses(report)).toMatchObject({ token: 'ok', privileges: 'fail', schema: 'ok' });
    const priv = report.clusters[0]!.checks.find((c) => c.id === 'privileges')!;
    expect(priv.summary).toBe(
      'the token mcp@pve!sep has no privileges at all: every list will be empty, every action 403',
    );
    const fix = priv.fix!.join('\n');
    expect(fix).toMatch(/created with privilege separation \(the default/);
    expect(fix).toContain("pveum acl modify / --tokens 'mcp@pve!sep' --roles PVEAuditor");
    expect(fix).toContain('pveum acl modify / --users mcp@pve --roles PVEAuditor');
    expect(fix).toContain('pveum user token add mcp@pve sep --privsep 0');
    expect(report.clusters[0]!.privileges!.read.map((n) => n.granted)).toEqual(['no', 'no', 'no']);
    expect(report.usable).toBe(false);
  });

  it('a read-only (PVEAuditor) token: usable, with a warning and the grant for the write tools', async () => {
    const r = await check([], envFor({ PROXMOX_TOKEN: 'mcp@pve!ro=ro-secret' }));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /warn +privileges +read access complete; write tools lack VM\.PowerMgmt on \/vms; VM\.Snapshot on \/vms/,
    );
    expect(r.stdout).toContain("pveum acl modify /vms --tokens 'mcp@pve!ro' --roles PVEVMUser");
    expect(r.stdout).toMatch(
      /read +Sys\.Audit on \/nodes: yes · VM\.Audit on \/vms: yes · Datastore\.Audit on \/storage: yes/,
    );
    // The same token on a read-only cluster needs nothing more.
    const ro = await check(['--read-only'], envFor({ PROXMOX_TOKEN: 'mcp@pve!ro=ro-secret' }));
    expect(ro.code).toBe(0);
    expect(ro.stdout).toMatch(/ok +privileges +read access complete \(read-only cluster/);
  });

  it('self-signed certificate with verification on: prints the exact fingerprint line; nothing sent; exit 1', async () => {
    const before = sim.requests.length;
    const env = envFor({ PROXMOX_FINGERPRINT: undefined });
    const r = await check([], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /FAIL +tls +certificate not trusted: the certificate is self-signed \(Proxmox VE's default\) \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
    );
    expect(r.stdout).toContain(`PROXMOX_FINGERPRINT=${sim.fingerprint}`);
    expect(r.stdout).toMatch(/skip +token +not tried: the TLS check failed, so nothing was sent/);
    expect(sim.requests.length).toBe(before);

    // The same with a clusters.json: the JSON line to paste, and where.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-check-'));
    const file = path.join(dir, 'clusters.json');
    writeFileSync(
      file,
      JSON.stringify({
        clusters: { lab: { url: sim.url, user: 'root@pam', token_id: 'mcp', token_secret: '${LAB_SECRET}' } },
      }),
    );
    const f = await check([], { LAB_SECRET: DEMO_TOKEN_SECRET }, dir);
    expect(f.code).toBe(1);
    expect(f.stdout).toContain(`config: ${file} (found in the working directory)`);
    expect(f.stdout).toContain(`To trust exactly this certificate, add to clusters.lab in ${file}:`);
    expect(f.stdout).toContain(`"fingerprint": "${sim.fingerprint}"`);

    // Pasting that line fixes it.
    writeFileSync(
      file,
      JSON.stringify({
        clusters: {
          lab: {
            url: sim.url,
            user: 'root@pam',
            token_id: 'mcp',
            token_secret: '${LAB_SECRET}',
            fingerprint: sim.fingerprint,
          },
        },
      }),
    );
    const fixed = await check(['--config', file], { LAB_SECRET: DEMO_TOKEN_SECRET }, dir);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain(`config: ${file} (given by --config)`);
  });

  it('pin mismatch: names the presented fingerprint and warns about interception; exit 1', async () => {
    const wrong = 'AB:'.repeat(31) + 'AB';
    const r = await check(['--json'], envFor({ PROXMOX_FINGERPRINT: wrong }));
    expect(r.code).toBe(1);
    const report = jsonOf(r.stdout);
    const tls = report.clusters[0]!.checks.find((c) => c.id === 'tls')!;
    expect(tls.status).toBe('fail');
    expect(tls.summary).toBe(`pinned fingerprint does not match: the server presents ${sim.fingerprint}`);
    expect(tls.fix).toContain(`  PROXMOX_FINGERPRINT=${sim.fingerprint}`);
    expect(tls.fix!.join(' ')).toMatch(
      /If nobody renewed it, something between here and the node intercepts TLS/,
    );
    expect(report.clusters[0]!.certificate!.fingerprint256).toBe(sim.fingerprint);
  });

  it('wrong port (connection refused): names the port and pveproxy; exit 1', async () => {
    const port = await freePort();
    const r = await check([], envFor({ PROXMOX_URL: `127.0.0.1:${port}` }));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(
        `FAIL +tcp +connection to 127\\.0\\.0\\.1:${port} refused: nothing listens on port ${port} \\(ECONNREFUSED\\)`,
      ),
    );
    expect(r.stdout).toContain('The Proxmox VE API listens on port 8006 (https)');
    expect(r.stdout).toMatch(/skip +tls +not tried: no TCP connection/);
  });

  it('DNS failure (.invalid): cannot resolve, check the url; exit 1', async () => {
    const r = await check(['--json'], envFor({ PROXMOX_URL: 'pve1.invalid:8006' }));
    expect(r.code).toBe(1);
    const dns = jsonOf(r.stdout).clusters[0]!.checks[0]!;
    expect(dns.id).toBe('dns');
    expect(dns.status).toBe('fail');
    expect(dns.summary).toMatch(/^cannot resolve pve1\.invalid: .*\((ENOTFOUND|EAI_AGAIN|timeout)\)$/);
    expect(dns.fix![0]).toBe("Check the host name in PROXMOX_URL (a typo?), or use the node's IP address.");
  });

  it('slow cluster: stops at the time limit and says so; exit 1', async () => {
    sim.setLatency(8_000);
    try {
      const r = await check(['--timeout', '1.5', '--json'], envFor());
      expect(r.code).toBe(1);
      const report = jsonOf(r.stdout);
      expect(statuses(report)).toMatchObject({ dns: 'ok', tcp: 'ok', tls: 'ok', token: 'fail' });
      const token = report.clusters[0]!.checks.find((c) => c.id === 'token')!;
      expect(token.summary).toMatch(
        /^no answer to GET \/version within 1\.\d s: the node or pveproxy is slow or hanging/,
      );
      expect(token.fix!.join(' ')).toContain('raise PROXMOX_TIMEOUT_MS');
      expect(report.clusters[0]!.durationMs).toBeLessThan(2_500);
      expect(r.ms).toBeLessThan(6_000);
    } finally {
      sim.setLatency(0);
    }
  });

  it('checks all clusters concurrently, each within its own limit; --cluster selects; unknown names exit 2', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-check-'));
    const file = path.join(dir, 'clusters.json');
    const entry = { url: sim.url, user: 'root@pam', token_id: 'mcp', token_secret: DEMO_TOKEN_SECRET };
    writeFileSync(
      file,
      JSON.stringify({
        clusters: {
          good: { ...entry, fingerprint: sim.fingerprint },
          gone: { ...entry, url: 'gone.invalid' },
          ro: { ...entry, fingerprint: sim.fingerprint, read_only: true },
        },
      }),
    );
    const all = await check(['--json'], { PROXMOX_MCP_CONFIG: file });
    expect(all.code).toBe(1);
    const report = jsonOf(all.stdout);
    expect(report.config).toEqual({ kind: 'file', file, via: 'PROXMOX_MCP_CONFIG' });
    expect(report.clusters.map((c) => [c.name, c.usable])).toEqual([
      ['good', true],
      ['gone', false],
      ['ro', true],
    ]);
    const one = await check(['--cluster', 'good,ro'], { PROXMOX_MCP_CONFIG: file });
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/All 2 clusters are usable\./);
    const bad = await check(['--cluster', 'nope'], { PROXMOX_MCP_CONFIG: file });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown cluster nope in --cluster; configured: good, gone, ro');
  });

  it('configuration errors stay exit 78 (a missing secret is not one for check: check-first-contact)', async () => {
    const r = await check([], {
      PROXMOX_URL: sim.url.replace('https:', 'http:'),
      PROXMOX_TOKEN: 'a@pve!b=c',
    });
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/configuration error: environment: \S*: uses http:\/\//);
  });
});
