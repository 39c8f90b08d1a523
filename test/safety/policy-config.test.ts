import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configError } from '../helpers/config-error.js';
import { loadConfig } from '../../src/config/load.js';
import { configFileSchema } from '../../src/config/schema.js';
import { evaluatePolicy } from '../../src/safety/policy.js';
import { assertBuilt, repoRoot, runCli } from '../helpers/cli.js';
import { registerSecret } from '../helpers/recording.js';

const entry = (extra: Record<string, unknown> = {}) => ({
  url: 'pve1.example.com',
  user: 'mcp@pve',
  token_id: 'mcp',
  token_secret: '5f1c9b2e-1111-4c2d-9e3f-aabbccddeeff',
  ...extra,
});
registerSecret(entry().token_secret);

function configDir(config: unknown): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-policy-'));
  const file = path.join(dir, 'clusters.json');
  writeFileSync(file, JSON.stringify(config));
  return { dir, file };
}

async function load(config: unknown, env: Record<string, string> = {}) {
  const { dir } = configDir(config);
  return loadConfig({ cwd: dir, env, homedir: dir });
}

describe('policy and audit_log in clusters.json', () => {
  it('resolves the top-level policy as the default of every cluster, key by key', async () => {
    const cfg = await load({
      policy: { deny: ['* /access/**'], confirm: ['POST /nodes/*/qemu/*/status/shutdown'] },
      clusters: {
        prod: entry({ policy: { allow: ['GET /**'] } }),
        lab: entry({ policy: { deny: [] } }),
      },
    });
    const [prod, lab] = cfg.clusters;
    expect(evaluatePolicy(prod!.policy!, { method: 'GET', path: '/access/users' })).toMatchObject({
      verdict: 'deny',
    });
    expect(
      evaluatePolicy(prod!.policy!, { method: 'POST', path: '/nodes/a/qemu/1/status/start' }),
    ).toMatchObject({
      verdict: 'not-allowed',
    });
    expect(evaluatePolicy(lab!.policy!, { method: 'GET', path: '/access/users' })).toEqual({ verdict: 'ok' });
    expect(
      evaluatePolicy(lab!.policy!, { method: 'POST', path: '/nodes/a/qemu/1/status/shutdown' }),
    ).toMatchObject({
      verdict: 'confirm',
    });
    // The configured confirm list replaces the built-in one.
    expect(evaluatePolicy(lab!.policy!, { method: 'DELETE', path: '/nodes/a/qemu/1' })).toEqual({
      verdict: 'ok',
    });
  });

  it('refuses a malformed rule at start-up, naming the key path', async () => {
    const err = await configError(
      load({ clusters: { prod: entry({ policy: { deny: ['DELETE /**', 'STOP /nodes'] } }) } }),
    );
    expect(err.keyPath).toBe('clusters.prod.policy.deny.1');
    expect(err.message).toMatch(/method "STOP" must be GET, POST, PUT, DELETE or \*/);
    const top = await configError(load({ policy: { allow: ['GET nodes'] }, clusters: { prod: entry() } }));
    expect(top.keyPath).toBe('policy.allow.0');
    const key = await configError(load({ policy: { block: [] }, clusters: { prod: entry() } }));
    expect(key.message).toMatch(/unknown key "block"/);
  });

  it('resolves audit_log relative to the config file; PROXMOX_MCP_AUDIT_LOG overrides it', async () => {
    const { dir } = configDir({ audit_log: 'audit/pmcp.log', clusters: { prod: entry() } });
    const cfg = await loadConfig({ cwd: dir, env: {}, homedir: dir });
    expect(cfg.auditLog).toBe(path.join(dir, 'audit/pmcp.log'));
    const env = await loadConfig({
      cwd: dir,
      env: { PROXMOX_MCP_AUDIT_LOG: '/var/log/x.log' },
      homedir: dir,
    });
    expect(env.auditLog).toBe('/var/log/x.log');
    const noFile = await loadConfig({
      cwd: mkdtempSync(path.join(os.tmpdir(), 'pmcp-nofile-')),
      env: {
        PROXMOX_URL: 'pve1',
        PROXMOX_TOKEN: 'a@pve!mcp=secret-value',
        PROXMOX_MCP_AUDIT_LOG: '/tmp/a.log',
      },
      homedir: dir,
    });
    expect(noFile.auditLog).toBe('/tmp/a.log');
  });

  it('clusters.example.json (with its policy and audit_log) passes the schema', () => {
    const example = JSON.parse(readFileSync(path.join(repoRoot, 'clusters.example.json'), 'utf8')) as unknown;
    const parsed = configFileSchema.safeParse(example);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data?.clusters.prod?.policy?.deny).toContain('* /access/**');
  });

  it('the CLI exits 78 on a bad rule and names the key path', async () => {
    assertBuilt();
    const { file } = configDir({ clusters: { prod: entry({ policy: { confirm: ['DELETE /nodes/a**'] } }) } });
    const r = await runCli(['--config', file]);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('clusters.prod.policy.confirm.0');
    expect(r.stderr).toMatch(/"\*\*" must be a whole segment/);
    expect(r.stdout).toBe('');
  });
});
