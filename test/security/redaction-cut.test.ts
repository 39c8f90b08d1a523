import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '../../src/simulator/certificate.js';
import { clip } from '../../src/clip.js';
import { SecretRedactor } from '../../src/redact.js';
import { RAW_TEXT_BUDGET } from '../../src/tools/shared-constants.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/**
 * Issue 12, observation 3: an answer quoted in an error was cut *before* redaction, so a server (or a
 * proxy) echoing the Authorization header back leaked 34 of the 36 characters of the token secret into
 * the tool result, stderr and the audit file. This endpoint echoes the header so that each quote's cut
 * lands inside the secret, leaving `keep` characters of it; no piece of 8 or more may survive anywhere.
 */
const SECRET = 'f00dcafe-1234-4abc-8def-0123456789ab';
const PREVIEW = 80;

/** Every piece of the secret long enough to count (MIN_PIECE in redact.ts). */
function leakedPieces(text: string, min = 8): string[] {
  const out: string[] = [];
  for (let i = 0; i + min <= SECRET.length; i++) {
    const piece = SECRET.slice(i, i + min);
    if (text.includes(piece)) out.push(piece);
  }
  return out;
}

/** Padding that puts `at` characters before the secret's position `keep` in `auth`. */
const pad = (at: number, auth: string, keep: number): string =>
  'z'.repeat(Math.max(0, at - auth.indexOf(SECRET) - keep));

let server: https.Server;
let port: number;
let fingerprint: string;

beforeAll(async () => {
  const cert = createSelfSignedCertificate();
  fingerprint = cert.fingerprint;
  server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const auth = String(req.headers.authorization ?? '');
    // /api2/json/nodes/<mode>/qemu/<keep>/…: how to echo, and how much of the secret the cut leaves.
    const m = /^\/api2\/json\/nodes\/([a-z]+)\/qemu\/(\d+)\//.exec(req.url ?? '');
    if (!m) {
      res.writeHead(404, 'Not found');
      res.end();
      return;
    }
    const [, mode, keepText] = m;
    const keep = Number(keepText);
    const send = (status: number, reason: string, type: string, body: string) => {
      res.writeHead(status, reason, { 'content-type': type });
      res.end(body);
    };
    switch (mode) {
      case 'html': // the page title is quoted, up to 80 characters
        return send(200, 'OK', 'text/html', `<html><head><title>${pad(PREVIEW, auth, keep)}${auth}</title>`);
      case 'plain': // "starts with" the first 80 characters
        return send(200, 'OK', 'text/plain', `${pad(PREVIEW, auth, keep)}${auth} and more`);
      case 'broken': // JSON-looking, cut off: the same 80-character preview
        return send(200, 'OK', 'application/json', `{"x":"${pad(PREVIEW - 6, auth, keep)}${auth}`);
      case 'reason': // PVE puts its errors in the reason phrase
        return send(500, `bad ${pad(PREVIEW, auth, keep)}${auth}`, 'application/json', '{"data":null}');
      case 'message': // and since 8.3 in the body's message and errors
        return send(
          400,
          'Parameter verification failed.',
          'application/json',
          JSON.stringify({
            data: null,
            message: `${pad(PREVIEW, auth, keep)}${auth}\n`,
            errors: { vmid: `${pad(PREVIEW, auth, keep)}${auth}` },
          }),
        );
      case 'big': // a raw answer cut at the text budget
        return send(
          200,
          'OK',
          'application/json',
          JSON.stringify({ data: `${pad(RAW_TEXT_BUDGET - 1, auth, keep)}${auth}` }),
        );
      default:
        return send(404, 'Not found', 'text/plain', '');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('a server that echoes the token secret where our quotes cut it', () => {
  let h: Harness;
  let auditLog: string;
  beforeAll(async () => {
    auditLog = path.join(mkdtempSync(path.join(os.tmpdir(), 'pmcp-cut-')), 'audit.log');
    h = await startHarness({
      auditLog,
      clusters: [
        {
          name: 'echo',
          config: {
            origin: `https://127.0.0.1:${port}`,
            host: '127.0.0.1',
            port,
            tokenSecret: SECRET,
            tls: { mode: 'fingerprint', fingerprint },
            timeoutMs: 5000,
          },
        },
      ],
    });
  });
  afterAll(() => h.close());

  for (const mode of ['html', 'plain', 'broken', 'reason', 'message', 'big']) {
    it(`${mode}: no piece of 8+ characters in the tool result, stderr or the audit file`, async () => {
      for (const keep of [9, 20, 34, 35]) {
        const method = mode === 'big' ? 'GET' : 'POST';
        const r = await h.call('proxmox_api_call', {
          method,
          path: `/nodes/${mode}/qemu/${keep}/status/start`,
        });
        const result = textOf(r) + JSON.stringify(r.structuredContent ?? {});
        expect(leakedPieces(result), `${mode} keep ${keep}: ${textOf(r).slice(0, 400)}`).toEqual([]);
        if (mode !== 'big') expect(r.isError).toBe(true);
      }
      expect(leakedPieces(h.logs.join(''))).toEqual([]);
      expect(leakedPieces(readFileSync(auditLog, 'utf8'))).toEqual([]);
    });
  }
});

describe('redacting and cutting text', () => {
  const redactor = new SecretRedactor();
  redactor.add(SECRET);
  const b64 = Buffer.from(SECRET).toString('base64');

  it('masks a run of 8+ characters that starts or ends a known secret, raw or base64, wherever it stands', () => {
    for (const form of [SECRET, b64]) {
      for (let keep = 8; keep < form.length; keep++) {
        expect(redactor.redact(`header: ${form.slice(0, keep)}`), `prefix ${keep}`).toBe('header: ***');
        expect(redactor.redact(`${form.slice(-keep)} rest`), `suffix ${keep}`).toBe('*** rest');
        expect(clip(`a ${form.slice(0, keep)} b`), `clip ${keep}`).toBe('a *** b');
      }
    }
  });

  it('a cut anywhere in text holding a secret, whole or in part, keeps no piece of it', () => {
    for (const text of [`x ${SECRET} tail`, `x ${SECRET.slice(0, 30)} tail`, `x ${SECRET.slice(-30)} tail`]) {
      for (let max = 1; max < text.length; max++) expect(leakedPieces(clip(text, max)), `${max}`).toEqual([]);
    }
    expect(clip(`x ${SECRET} y ${'q'.repeat(50)}`, 20)).toBe(`x *** y ${'q'.repeat(12)}… (58 chars)`);
  });

  it('masking a piece of a secret never breaks the JSON text it stands in', () => {
    const odd = new SecretRedactor();
    // In JSON text the secret's backslash is "\\"; text that shares its first 8 characters and then
    // has a quote ("\"") matches up to that backslash: masking must not stop inside the escape.
    odd.add('abcdefgh\\xyz12345');
    for (const text of ['abcdefgh"tail', 'abcdefgh\\xyz1', 'x\\"abcdefgh', 'abcdefgh\nq']) {
      const masked = odd.redact(JSON.stringify({ m: text }));
      expect(() => JSON.parse(masked) as unknown, masked).not.toThrow();
      expect(masked).not.toContain('abcdefgh');
    }
    expect(odd.redact(JSON.stringify({ m: 'abcdefgh\\xyz12345' }))).toBe('{"m":"***"}');
  });

  it('leaves short pieces and unrelated text alone', () => {
    expect(clip(`id ${SECRET.slice(0, 7)}`, 10)).toBe(`id ${SECRET.slice(0, 7)}`);
    expect(redactor.redact('nothing to see here, f00dcaf')).toBe('nothing to see here, f00dcaf');
  });
});
