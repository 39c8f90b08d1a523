import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../src/safety/policy.js';
import { redactParams } from '../../src/safety/redact-params.js';
import { coerceValue } from '../../src/schema/coerce.js';
import { SENSITIVE_BY_ENDPOINT } from '../../src/safety/sensitive-params.js';
import { startHarness, type Harness } from '../helpers/harness.js';

/**
 * Issue 12, observation 4: secrets under parameter names other than pass/secret/token/key were written
 * in clear to the audit log and stderr. Each class goes through a real MCP client to the simulator
 * (schema unavailable, so nothing stops the call before the client), with an audit file; the value
 * must not appear in the audit file, the logs, or the confirmation question.
 */
interface Case {
  name: string;
  method: 'POST' | 'PUT' | 'DELETE';
  path: string;
  data: Record<string, unknown>;
  /** Parameters that stay visible (what was done must remain auditable). */
  visible?: Record<string, unknown>;
}

const V = (n: string) => `S3CR3T-${n}-value`;

const CASES: Case[] = [
  {
    name: 'ACME DNS plugin data',
    method: 'POST',
    path: '/cluster/acme/plugins',
    data: { id: 'dns1', type: 'dns', api: 'cf', data: V('acme') },
    visible: { id: 'dns1', api: 'cf' },
  },
  {
    name: 'ACME DNS plugin data (update)',
    method: 'PUT',
    path: '/cluster/acme/plugins/dns1',
    data: { data: V('acme2') },
  },
  {
    name: 'notification webhook header, secret, body, url',
    method: 'POST',
    path: '/cluster/notifications/endpoints/webhook',
    data: {
      name: 'hook',
      method: 'post',
      url: `https://hooks.example.com/services/${V('url')}`,
      header: [`name=Authorization,value=${V('header')}`],
      secret: [`name=key,value=${V('secret')}`],
      body: V('body'),
    },
    visible: { name: 'hook', method: 'post' },
  },
  {
    name: 'notification webhook (update)',
    method: 'PUT',
    path: '/cluster/notifications/endpoints/webhook/hook',
    data: { header: [V('header2')], secret: [V('secret2')] },
  },
  {
    name: 'smtp and gotify endpoints',
    method: 'POST',
    path: '/cluster/notifications/endpoints/smtp',
    data: { name: 'mail', server: 'smtp.example.com', password: V('smtp') },
  },
  {
    name: 'gotify token',
    method: 'POST',
    path: '/cluster/notifications/endpoints/gotify',
    data: { name: 'g', token: V('gotify') },
  },
  {
    name: 'QEMU agent exec input-data (the command stays visible)',
    method: 'POST',
    path: '/nodes/pve1/qemu/100/agent/exec',
    data: { command: ['chpasswd'], 'input-data': `root:${V('stdin')}` },
    visible: { command: ['chpasswd'] },
  },
  {
    name: 'QEMU agent file-write content (the file name stays visible)',
    method: 'POST',
    path: '/nodes/pve1/qemu/100/agent/file-write',
    data: { file: '/root/.ssh/id_ed25519', content: V('file') },
    visible: { file: '/root/.ssh/id_ed25519' },
  },
  {
    name: 'QEMU agent set-user-password',
    method: 'POST',
    path: '/nodes/pve1/qemu/100/agent/set-user-password',
    data: { username: 'root', password: V('agentpw') },
  },
  {
    name: '/access/tfa totp, value, password',
    method: 'POST',
    path: '/access/tfa/alice@pve',
    data: {
      type: 'totp',
      totp: `otpauth://totp/x?secret=${V('totp')}`,
      value: V('code'),
      password: V('tfapw'),
    },
    visible: { type: 'totp' },
  },
  {
    name: '/access/password',
    method: 'PUT',
    path: '/access/password',
    data: { userid: 'alice@pve', password: V('newpw'), 'confirmation-password': V('oldpw') },
  },
  {
    name: '/access/ticket otp',
    method: 'POST',
    path: '/access/ticket',
    data: { username: 'alice@pve', password: V('login'), otp: V('otp'), 'tfa-challenge': V('chal') },
  },
  {
    name: 'OpenID login code',
    method: 'POST',
    path: '/access/openid/login',
    data: { code: V('oidc'), state: 's', 'redirect-url': 'https://pve' },
  },
  {
    name: 'cloud-init cipassword and sshkeys',
    method: 'PUT',
    path: '/nodes/pve1/qemu/100/config',
    data: { cipassword: V('ci'), sshkeys: V('sshkeys'), ciuser: 'admin' },
    visible: { ciuser: 'admin' },
  },
  {
    name: 'LXC password and ssh-public-keys',
    method: 'POST',
    path: '/nodes/pve1/lxc',
    data: {
      vmid: 200,
      ostemplate: 'local:vztmpl/debian.tar.zst',
      password: V('lxc'),
      'ssh-public-keys': V('lxckeys'),
    },
    visible: { vmid: 200 },
  },
  {
    name: 'storage password, keyring, encryption-key, master-pubkey',
    method: 'POST',
    path: '/storage',
    data: {
      storage: 'pbs',
      type: 'pbs',
      password: V('pbs'),
      keyring: V('ring'),
      'encryption-key': V('enc'),
      'master-pubkey': V('mpk'),
    },
    visible: { storage: 'pbs', type: 'pbs' },
  },
  {
    name: 'realm password and client-key',
    method: 'PUT',
    path: '/access/domains/corp',
    data: { password: V('ldap'), 'client-key': V('oidckey') },
  },
  {
    name: 'metrics OpenTelemetry headers',
    method: 'POST',
    path: '/cluster/metrics/server/otel',
    data: { type: 'opentelemetry', 'otel-headers': V('otel') },
  },
  {
    name: 'cluster http_proxy',
    method: 'PUT',
    path: '/cluster/options',
    data: { http_proxy: `http://u:${V('proxy')}@proxy:3128` },
  },
  {
    name: 'custom certificate key',
    method: 'POST',
    path: '/nodes/pve1/certificates/custom',
    data: { certificates: 'PEM', key: V('pem') },
  },
];

const auditFile = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'pmcp-sens-')), 'audit.log');

describe('sensitive parameters are masked in the audit file, the logs and confirmation questions', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('every class is sent (schema unavailable) and never shown', async () => {
    const file = auditFile();
    h = await startHarness({ auditLog: file });
    h.sims.demo!.setGarbage('/pve-docs');
    for (const c of CASES) {
      await h.call('proxmox_api_call', { method: c.method, path: c.path, data: c.data });
    }
    const audit = readFileSync(file, 'utf8');
    const sent = audit
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { phase: string; path: string; params: Record<string, unknown> })
      .filter((r) => r.phase === 'sent');
    // Every case reached the cluster (so the masking was really exercised).
    expect(sent.map((r) => r.path)).toEqual(CASES.map((c) => c.path));
    expect(h.sims.demo!.requests.filter((q) => q.method !== 'GET')).toHaveLength(CASES.length);
    expect(audit).not.toContain('S3CR3T');
    expect(h.logs.join('')).not.toContain('S3CR3T');
    for (const [i, c] of CASES.entries()) {
      for (const [k, v] of Object.entries(c.data)) {
        if (typeof v === 'string' && v.includes('S3CR3T'))
          expect(sent[i]!.params[k], `${c.name}: ${k}`).toBe('***');
      }
      if (c.visible) expect(sent[i]!.params, c.name).toMatchObject(c.visible);
    }
  });

  it('the confirmation question masks them too (and a declined request is one "refused" record)', async () => {
    const file = auditFile();
    h = await startHarness({
      auditLog: file,
      clusters: [
        {
          name: 'demo',
          config: { policy: resolvePolicy(undefined, { confirm: ['POST /**', 'PUT /**'] }, 'demo', 'f') },
        },
      ],
      clientCapabilities: { capabilities: { elicitation: {} } },
    });
    h.sims.demo!.setGarbage('/pve-docs');
    const asked: string[] = [];
    h.client.setRequestHandler(ElicitRequestSchema, (req) => {
      asked.push(req.params.message);
      return { action: 'decline' };
    });
    for (const c of CASES) await h.call('proxmox_api_call', { method: c.method, path: c.path, data: c.data });
    expect(asked).toHaveLength(CASES.length);
    for (const q of asked) expect(q).not.toContain('S3CR3T');
    expect(asked.join('\n')).toContain('chpasswd'); // what would run stays visible
    expect(h.sims.demo!.requests.filter((q) => q.method !== 'GET')).toEqual([]);
    const audit = readFileSync(file, 'utf8');
    expect(audit).not.toContain('S3CR3T');
    expect(audit.split('\n').filter(Boolean)).toHaveLength(CASES.length);
    expect(h.logs.join('')).not.toContain('S3CR3T');
  });
});

describe('an error that quotes a masked value', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('is scrubbed of it in the audit record and the log', async () => {
    const file = auditFile();
    h = await startHarness({ auditLog: file });
    h.sims.demo!.setGarbage('/pve-docs');
    h.sims.demo!.faults.add({
      kind: 'status',
      status: 400,
      reason: 'Parameter verification failed.',
      body: JSON.stringify({
        data: null,
        message: `type check failed - got '${V('echo')}'\n`,
        errors: { password: `got '${V('echo')}'` },
      }),
      match: 'PUT /access/password',
    });
    await h.call('proxmox_api_call', {
      method: 'PUT',
      path: '/access/password',
      data: { userid: 'alice@pve', password: V('echo') },
    });
    const audit = readFileSync(file, 'utf8');
    expect(audit).toMatch(/"outcome":"error".*type check failed - got '\*\*\*'/);
    expect(audit).not.toContain('S3CR3T');
    expect(h.logs.join('')).not.toContain('S3CR3T');
  });
});

describe('the endpoint table', () => {
  it('matches concrete paths however they are spelled, and only the named parameters', () => {
    for (const p of ['/cluster/acme/plugins', '//cluster//acme/plugins/', '/cluster%2Facme/plugins']) {
      expect(redactParams({ data: 'x', id: 'y' }, p), p).toEqual({ data: '***', id: 'y' });
    }
    // `data` is an ordinary parameter elsewhere.
    expect(redactParams({ data: 'x' }, '/nodes/pve1/qemu/100/config')).toEqual({ data: 'x' });
    // Names that match the generic rule but never hold a secret stay visible.
    expect(redactParams({ keyboard: 'de', tokenid: 'ci' }, '/nodes/pve1/qemu/100/config')).toEqual({
      keyboard: 'de',
      tokenid: 'ci',
    });
  });

  it('a coercion note on a secret-named parameter names the change, not the value', () => {
    const c = coerceValue('cipassword', 31415926, { type: 'string' }, 'form');
    expect(c).toEqual({ value: '31415926', note: 'cipassword: a number → a string (value not shown)' });
    expect(coerceValue('vmstate', true, { type: 'boolean' }, 'form').note).toBe('vmstate: true → 1');
  });

  it('every entry says why', () => {
    for (const e of SENSITIVE_BY_ENDPOINT) expect(e.why.length, e.path).toBeGreaterThan(5);
  });
});
