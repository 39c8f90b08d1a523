import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { InsecureBindError, resolveHttpSettings } from '../../src/transports/http/index.js';
import { checkHost, checkOrigin, hostnameOf, isLoopbackAddress } from '../../src/transports/http/security.js';
import {
  TOKEN,
  auth,
  initializeBody,
  rawRequest,
  startInProcess,
  type InProcessServer,
  type RawResponse,
} from './helpers.js';

let srv: InProcessServer;

beforeAll(async () => {
  srv = await startInProcess({
    env: {
      MCP_ALLOWED_HOSTS: 'mcp.example.com, Proxy.Internal:8443',
      MCP_ALLOWED_ORIGINS: 'https://app.example.com',
      MCP_MAX_BODY_BYTES: String(64 * 1024),
    },
  });
});
afterAll(async () => srv?.close());

const post = (headers: Record<string, string>, body = initializeBody, p = '/mcp') =>
  rawRequest(srv.url, p, { method: 'POST', headers, body });

function expectRpcError(r: RawResponse, status: number, message: RegExp, code = -32000) {
  expect(r.status).toBe(status);
  expect(r.headers['content-type']).toBe('application/json');
  expect(r.json).toMatchObject({ jsonrpc: '2.0', id: null, error: { code } });
  expect(r.json?.error?.message).toMatch(message);
}

describe('Host header allowlist (DNS rebinding)', () => {
  it('refuses an unknown Host with 403 and says how to allow it', async () => {
    for (const p of ['/mcp', '/sse', '/messages']) {
      const r = await rawRequest(srv.url, p, {
        method: p === '/sse' ? 'GET' : 'POST',
        headers: { ...auth, host: 'evil.example:8000' },
        ...(p === '/sse' ? {} : { body: initializeBody }),
      });
      expectRpcError(r, 403, /Host header "evil.example:8000" is not allowed.*MCP_ALLOWED_HOSTS/);
    }
  });

  it('accepts loopback names and MCP_ALLOWED_HOSTS entries, whatever the port or case', async () => {
    for (const host of [
      'localhost:1234',
      '127.0.0.1',
      '[::1]:8000',
      'MCP.example.com',
      'proxy.internal:443',
    ]) {
      const r = await post({ ...auth, host });
      expect(r.status, host).toBe(200);
    }
  });
});

describe('Origin allowlist', () => {
  it('refuses a present Origin that is not listed, with 403', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://localhost:6274']) {
      const r = await post({ ...auth, origin });
      expectRpcError(r, 403, new RegExp(`Origin "${origin}" is not allowed.*MCP_ALLOWED_ORIGINS`));
    }
  });

  it('accepts a listed Origin and answers its CORS preflight without a token', async () => {
    const r = await post({ ...auth, origin: 'https://app.example.com' });
    expect(r.status).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const pre = await rawRequest(srv.url, '/mcp', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-headers']).toMatch(/authorization.*mcp-session-id/);
  });

  it('with MCP_ALLOWED_ORIGINS unset, only loopback origins pass (e.g. the MCP Inspector)', () => {
    expect(checkOrigin(undefined, [])).toBeUndefined();
    expect(checkOrigin('http://localhost:6274', [])).toBeUndefined();
    expect(checkOrigin('http://127.0.0.1:3000', [])).toBeUndefined();
    expect(checkOrigin('http://[::1]:3000', [])).toBeUndefined();
    expect(checkOrigin('https://evil.example', [])?.status).toBe(403);
    expect(checkOrigin('http://localhost.evil.example', [])?.status).toBe(403);
    expect(checkOrigin('null', [])?.status).toBe(403);
    expect(checkOrigin('https://evil.example', ['*'])).toBeUndefined();
  });
});

describe('bearer token (MCP_AUTH_TOKEN)', () => {
  it('a missing token gets 401 with WWW-Authenticate: Bearer on every MCP endpoint', async () => {
    for (const [method, p] of [
      ['POST', '/mcp'],
      ['GET', '/sse'],
      ['POST', '/messages?sessionId=x'],
    ] as const) {
      const r = await rawRequest(srv.url, p, {
        method,
        ...(method === 'POST' ? { body: initializeBody } : {}),
      });
      expectRpcError(r, 401, /requires "Authorization: Bearer <MCP_AUTH_TOKEN>"/);
      expect(r.headers['www-authenticate']).toBe('Bearer realm="proxmox-mcp"');
    }
  });

  it('a wrong token (or another scheme) gets 401 invalid_token', async () => {
    const wrong = await post({ authorization: `Bearer ${TOKEN}x` });
    expectRpcError(wrong, 401, /bearer token is not valid/);
    expect(wrong.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    const basic = await post({ authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}` });
    expectRpcError(basic, 401, /requires "Authorization: Bearer/);
  });

  it('the scheme is case-insensitive', async () => {
    expect((await post({ authorization: `bearer ${TOKEN}` })).status).toBe(200);
  });
});

describe('request hygiene', () => {
  it('a body over MCP_MAX_BODY_BYTES gets 413, declared or streamed', async () => {
    const big = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: { pad: 'x'.repeat(100_000) },
    });
    expectRpcError(await post(auth, big), 413, /limited to 64 KiB \(MCP_MAX_BODY_BYTES\)/);
    const huge = 'x'.repeat(2 * 1024 * 1024);
    expectRpcError(await post(auth, huge), 413, /Payload Too Large/);
    const chunked = await rawRequest(srv.url, '/mcp', {
      method: 'POST',
      headers: { ...auth, 'transfer-encoding': 'chunked' },
      body: big,
    });
    expectRpcError(chunked, 413, /Payload Too Large/);
  });

  it('malformed JSON gets 400 with a JSON-RPC parse error (-32700), on /mcp and /messages', async () => {
    expectRpcError(
      await post(auth, '{"jsonrpc": "2.0", '),
      400,
      /Parse error: the request body is not valid JSON/,
      -32700,
    );
    expectRpcError(await post(auth, 'not json', '/messages?sessionId=abc'), 400, /Parse error/, -32700);
  });

  it('unknown paths get 404, wrong methods 405 with Allow', async () => {
    expectRpcError(
      await rawRequest(srv.url, '/admin', { headers: auth }),
      404,
      /Not Found: \/admin\. Endpoints: \/mcp/,
    );
    const put = await rawRequest(srv.url, '/mcp', { method: 'PUT', headers: auth, body: '{}' });
    expectRpcError(put, 405, /\/mcp accepts GET, POST, DELETE/);
    expect(put.headers.allow).toBe('GET, POST, DELETE');
    expectRpcError(
      await rawRequest(srv.url, '/sse', { method: 'POST', headers: auth, body: '{}' }),
      405,
      /accepts GET/,
    );
    expectRpcError(await rawRequest(srv.url, '/messages', { headers: auth }), 405, /accepts POST/);
  });

  it('unknown or missing session ids are told to start over', async () => {
    const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expectRpcError(await post({ ...auth, 'mcp-session-id': 'nope' }, list), 404, /Session not found/, -32001);
    expectRpcError(await post(auth, list), 400, /Mcp-Session-Id header is required/, -32600);
    expectRpcError(
      await post(auth, list, '/messages?sessionId=nope'),
      404,
      /open a new stream with GET \/sse/,
      -32001,
    );
  });

  it('never logs the bearer token, even when a client sends it wrong', () => {
    expect(srv.logs.join('')).not.toContain(TOKEN);
  });
});

describe('settings (flag > env > default) and the bind rule', () => {
  it('defaults to 127.0.0.1:8000, stateful, 1 MiB bodies, 100 sessions, bounded waits on slow clients', () => {
    expect(resolveHttpSettings({}, {})).toMatchObject({
      host: '127.0.0.1',
      port: 8000,
      stateless: false,
      maxBodyBytes: 1024 * 1024,
      maxSessions: 100,
      sessionIdleMs: 30 * 60_000,
      headersTimeoutMs: 20_000,
      requestTimeoutMs: 60_000,
      maxUnreadBytes: 4 * 1024 * 1024,
      writeStallMs: 60_000,
    });
    expect(resolveHttpSettings({ port: 9000 }, { MCP_PORT: '7000', MCP_HOST: 'localhost' })).toMatchObject({
      host: 'localhost',
      port: 9000,
    });
  });

  it('refuses a non-loopback address without a token, unless --no-auth', () => {
    expect(() => resolveHttpSettings({ host: '0.0.0.0' }, {})).toThrow(InsecureBindError);
    expect(() => resolveHttpSettings({}, { MCP_HOST: '192.168.1.5' })).toThrow(/MCP_AUTH_TOKEN/);
    expect(resolveHttpSettings({ host: '0.0.0.0', noAuth: true }, {}).noAuth).toBe(true);
    expect(resolveHttpSettings({ host: '::' }, { MCP_AUTH_TOKEN: TOKEN }).authToken).toBe(TOKEN);
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])
      expect(isLoopbackAddress(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1'])
      expect(isLoopbackAddress(h), h).toBe(false);
  });

  it('rejects bad values naming the variable', () => {
    expect(() => resolveHttpSettings({}, { MCP_PORT: '80a' })).toThrow(
      /MCP_PORT: expected an integer from 0 to 65535/,
    );
    expect(() => resolveHttpSettings({}, { MCP_MAX_SESSIONS: '0' })).toThrow(ConfigError);
    expect(() => resolveHttpSettings({}, { MCP_AUTH_TOKEN: 'short' })).toThrow(/at least 16 characters/);
    expect(() => resolveHttpSettings({}, { MCP_ALLOWED_ORIGINS: 'app.example.com' })).toThrow(
      /MCP_ALLOWED_ORIGINS: "app.example.com" is not an origin/,
    );
  });

  it('reads the token from MCP_AUTH_TOKEN_FILE (Docker secrets)', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'pmcp-tok-')), 'token');
    writeFileSync(file, `${TOKEN}\n`);
    expect(resolveHttpSettings({ host: '0.0.0.0' }, { MCP_AUTH_TOKEN_FILE: file }).authToken).toBe(TOKEN);
  });

  it('normalizes Host values: ports stripped, IPv6 bracketed, case folded', () => {
    expect(hostnameOf('Example.COM:8000')).toBe('example.com');
    expect(hostnameOf('[::1]:8000')).toBe('[::1]');
    expect(hostnameOf('::1')).toBe('[::1]');
    expect(hostnameOf('localhost.')).toBe('localhost');
    expect(checkHost(undefined, [])?.status).toBe(403);
    expect(checkHost('anything', ['*'])).toBeUndefined();
  });
});
