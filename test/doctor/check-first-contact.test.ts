import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/doctor/report.js';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { assertBuilt, runCli } from '../helpers/cli.js';

// Issue 13: `check` without the secret still runs DNS, TCP and TLS (and prints the fingerprint line),
// and says the token step was skipped and why; before, it stopped with exit 78.

let sim: Simulator;
beforeAll(async () => {
  assertBuilt();
  sim = await startSimulator();
});
afterAll(async () => sim?.close());

const statuses = (r: DoctorReport) =>
  Object.fromEntries(r.clusters[0]!.checks.map((c) => [c.id, c.status])) as Record<string, string>;

describe('check without the token secret', () => {
  it('PROXMOX_URL alone: the network steps run, the fingerprint is printed, the token step says why it was skipped', async () => {
    const before = sim.requests.length;
    const r = await runCli(['check'], { env: { PROXMOX_URL: sim.url } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).not.toContain('configuration error');
    expect(r.stdout).toMatch(/ok {4}dns/);
    expect(r.stdout).toMatch(/ok {4}tcp/);
    // Self-signed and not pinned: the fix is the fingerprint line to add.
    expect(r.stdout).toContain(sim.fingerprint);
    expect(r.stdout).toMatch(/skip {2}token .*no token secret \(PROXMOX_URL is set, PROXMOX_TOKEN is not\)/);
    expect(r.stdout).toContain("export PROXMOX_TOKEN='user@realm!tokenid=<secret>'");
    expect(r.stdout).toContain('(and give the token secret)');
    // Nothing was sent to the API: no placeholder token ever leaves.
    expect(sim.requests.length).toBe(before);
  });

  it('a file whose ${VAR} secret is unset: TLS passes with the pin, the token step names the variable', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-check-'));
    const file = path.join(dir, 'clusters.json');
    writeFileSync(
      file,
      JSON.stringify({
        clusters: {
          lab: {
            url: sim.url,
            user: 'root@pam',
            token_id: 'mcp',
            token_secret: '${LAB_TOKEN_SECRET}',
            fingerprint: sim.fingerprint,
          },
        },
      }),
    );
    const r = await runCli(['check', '--json'], { env: { PROXMOX_MCP_CONFIG: file } });
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(statuses(report)).toEqual({
      dns: 'ok',
      tcp: 'ok',
      tls: 'ok',
      token: 'skip',
      privileges: 'skip',
      schema: 'skip',
    });
    const token = report.clusters[0]!.checks.find((c) => c.id === 'token')!;
    expect(token.summary).toContain('clusters.lab.token_secret reads ${LAB_TOKEN_SECRET}, which is not set');
    expect(token.fix?.[0]).toBe("export LAB_TOKEN_SECRET='<the token secret>'");
  });
});

describe('check --demo', () => {
  it("checks demo's simulated clusters: every step ok, exit 0, nothing configured needed", async () => {
    const r = await runCli(['check', '--demo', '--json'], { env: {} });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report.clusters.map((c) => c.name)).toEqual(['demo', 'lab']);
    for (const c of report.clusters) expect(c.checks.every((x) => x.status === 'ok')).toBe(true);
    const text = await runCli(['check', '--demo'], { env: {} });
    expect(text.stdout).toContain('All 2 clusters are usable.');
  });

  it('--demo with --config is a usage error', async () => {
    const r = await runCli(['check', '--demo', '--config', 'x.json'], { env: {} });
    expect(r.code).toBe(2);
  });
});
