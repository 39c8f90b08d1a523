import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../../src/config/types.js';
import { runDoctor } from '../../src/doctor/index.js';
import { renderReport } from '../../src/doctor/render-text.js';
import { evaluate, grantCommands, READ_REQUIREMENTS } from '../../src/doctor/requirements.js';
import { DEMO_TOKEN_SECRET, startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { assertBuilt, binPath } from '../helpers/cli.js';
import { clusterConfigFor } from '../helpers/harness.js';

/** The doctor in-process: what the CLI tests cannot set up (the clock, colour on a terminal). */
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    tokens: [
      { user: 'root@pam', tokenId: 'mcp', secret: DEMO_TOKEN_SECRET },
      // VM.Audit only on one guest and a pool: the tools see those guests and nothing else.
      {
        user: 'ops@pve',
        tokenId: 'few',
        secret: 'few-secret',
        acl: [
          { path: '/nodes', privs: ['Sys.Audit'] },
          { path: '/vms/102', privs: ['VM.Audit'] },
          { path: '/storage', privs: ['Datastore.Audit'] },
        ],
      },
    ],
  });
});
afterAll(async () => sim?.close());

function config(overrides: Parameters<typeof clusterConfigFor>[2] = {}): LoadedConfig {
  return {
    source: '/etc/pmcp/clusters.json',
    defaultCluster: 'prod',
    clusters: [clusterConfigFor('prod', sim, overrides)],
  };
}
const origin = { kind: 'file' as const, file: '/etc/pmcp/clusters.json', via: '--config' };

describe('certificate expiry', () => {
  it('warns within 30 days of expiry, and says how to renew and re-pin', async () => {
    const report = await runDoctor({ config: config(), origin });
    const validTo = new Date(report.clusters[0]!.certificate!.validTo);
    const soon = await runDoctor({
      config: config(),
      origin,
      now: new Date(validTo.getTime() - 10.5 * 86_400_000),
    });
    const tls = soon.clusters[0]!.checks.find((c) => c.id === 'tls')!;
    expect(tls.status).toBe('warn');
    expect(tls.summary).toBe(
      `pinned fingerprint matches, but the certificate expires in 10 day(s) (${report.clusters[0]!.certificate!.validTo.slice(0, 10)})`,
    );
    expect(tls.fix!.join(' ')).toMatch(/pvecm updatecerts --force.*prints the new fingerprint to pin/);
    // A warning does not make the cluster unusable.
    expect(soon.usable).toBe(true);
    const expired = await runDoctor({
      config: config(),
      origin,
      now: new Date(validTo.getTime() + 3 * 86_400_000),
    });
    expect(expired.clusters[0]!.checks.find((c) => c.id === 'tls')!.summary).toMatch(
      /expired 3 day\(s\) ago/,
    );
  });
});

describe('privileges', () => {
  it('VM.Audit on single guests only is "partly": usable, with a warning naming where it holds', async () => {
    const report = await runDoctor({
      config: config({ user: 'ops@pve', tokenId: 'few', tokenSecret: 'few-secret', readOnly: true }),
      origin,
    });
    const c = report.clusters[0]!;
    expect(c.usable).toBe(true);
    expect(c.privileges!.read.find((n) => n.privilege === 'VM.Audit')).toMatchObject({
      granted: 'partly',
      onlyOn: ['/vms/102'],
    });
    const priv = c.checks.find((x) => x.id === 'privileges')!;
    expect(priv.summary).toBe('read access incomplete, missing VM.Audit on /vms (only on /vms/102)');
    expect(priv.fix).toContain("  pveum acl modify /vms --tokens 'ops@pve!few' --roles PVEAuditor");
    expect(priv.fix).toContain('  pveum acl modify /vms --users ops@pve --roles PVEAuditor');
  });

  it('root@pam already has everything: only the token needs a grant', () => {
    const missing = READ_REQUIREMENTS.map((r) => evaluate(r, {}));
    expect(grantCommands(missing, 'root@pam', 'root@pam!mcp')).toEqual([
      "pveum acl modify / --tokens 'root@pam!mcp' --roles PVEAuditor",
    ]);
  });
});

describe('rendering', () => {
  it('colour only when asked; the status words carry the meaning either way', async () => {
    const report = await runDoctor({ config: config(), origin });
    const plain = renderReport(report, { color: false });
    const colored = renderReport(report, { color: true });
    expect(plain).not.toContain('\x1b[');
    expect(colored).toContain('\x1b[32mok   \x1b[0m');
    // eslint-disable-next-line no-control-regex
    expect(colored.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain);
    expect(plain).toContain('config: /etc/pmcp/clusters.json (given by --config)');
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)(
    `the CLI colours on a terminal, and not with NO_COLOR${hasScript ? '' : ' (skipped: util-linux script(1) is not installed)'}`,
    async () => {
      assertBuilt();
      const run = (extra: Record<string, string>) =>
        new Promise<string>((resolve) => {
          const child = spawn('script', ['-qfec', `'${process.execPath}' '${binPath}' check`, '/dev/null'], {
            env: {
              PATH: process.env.PATH ?? '',
              HOME: '/nonexistent',
              TERM: 'xterm',
              PROXMOX_URL: sim.url,
              PROXMOX_TOKEN: `root@pam!mcp=${DEMO_TOKEN_SECRET}`,
              PROXMOX_FINGERPRINT: sim.fingerprint,
              ...extra,
            },
          });
          let out = '';
          child.stdout.on('data', (d: Buffer) => (out += d.toString()));
          child.stdin.end();
          child.on('close', () => resolve(out));
        });
      expect(await run({})).toContain('\x1b[32m');
      const noColor = await run({ NO_COLOR: '1' });
      expect(noColor).toMatch(/ok +token/);
      // eslint-disable-next-line no-control-regex
      expect(noColor).not.toMatch(/\x1b\[3\dm/);
    },
  );
});
