import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntime } from '../../src/runtime.js';
import { createSelfSignedCertificate } from '../../src/simulator/certificate.js';
import { assertBuilt, runCli } from '../helpers/cli.js';
import { recordOutput, registerSecret } from '../helpers/recording.js';

/**
 * A hostile or broken endpoint that echoes the Authorization header back (in the reason phrase and
 * the body). Whatever it says, the token secret must not reach `check` output or the audit log.
 */
const SECRET = 'f00dcafe-1234-4abc-8def-0123456789ab';
registerSecret(SECRET);
let server: https.Server;
let url: string;
let fingerprint: string;

beforeAll(async () => {
  assertBuilt();
  const cert = createSelfSignedCertificate();
  fingerprint = cert.fingerprint;
  server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const auth = String(req.headers.authorization ?? '');
    res.writeHead(req.url?.startsWith('/api2/json/version') ? 401 : 400, `bad ${auth}`, {
      'content-type': 'application/json',
    });
    res.end(JSON.stringify({ data: null, message: `rejected ${auth}\n`, errors: { x: auth } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('a server that echoes the token back', () => {
  it('check (text and --json) prints *** instead of the secret', async () => {
    const env = { PROXMOX_URL: url, PROXMOX_TOKEN: `a@pam!bb=${SECRET}`, PROXMOX_FINGERPRINT: fingerprint };
    for (const args of [['check'], ['check', '--json']]) {
      const r = await runCli(args, { env });
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).not.toContain(SECRET);
      expect(r.stdout).toContain('***');
    }
  });

  it('the audit log file is scrubbed like stderr', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-audit-echo-'));
    const auditLog = path.join(dir, 'audit.log');
    const lines: string[] = [];
    const runtime = buildRuntime(
      {
        source: 'test',
        defaultCluster: 'echo',
        auditLog,
        clusters: [
          {
            name: 'echo',
            origin: url,
            host: '127.0.0.1',
            port: Number(new URL(url).port),
            user: 'a@pam',
            tokenId: 'bb',
            tokenSecret: SECRET,
            tls: { mode: 'fingerprint', fingerprint },
            readOnly: false,
            timeoutMs: 5000,
          },
        ],
      },
      {
        writeLog: (l) => {
          lines.push(l);
          recordOutput('log', l);
        },
      },
    );
    await expect(
      runtime.registry.get('echo').client.request('POST', '/nodes/x/qemu/100/status/start'),
    ).rejects.toThrow();
    await runtime.registry.close();
    const file = readFileSync(auditLog, 'utf8');
    recordOutput('audit', file);
    expect(file).toMatch(/"outcome":"error"/);
    expect(file).toContain('***');
    expect(file).not.toContain(SECRET);
    expect(lines.join('')).not.toContain(SECRET);
  });

  it('a config file with a syntax error next to the secret does not quote the secret', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-badjson-'));
    const file = path.join(dir, 'clusters.json');
    writeFileSync(
      file,
      `{"clusters": {"a": {"url": "pve", "user": "a@pam", "token_id": "bb", "token_secret": '${SECRET}'}}}`,
    );
    const r = await runCli(['check', '--config', file]);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/not valid JSON/);
    expect(r.stderr).not.toContain(SECRET.slice(0, 8));
  });
});
