// Discovery with the shared OAuth server: the 401 that points at the protected resource metadata (RFC 9728),
// the metadata itself, and the CORS preflight browser clients send first.
import { describe, expect, it } from 'vitest';
import { rawRequest } from '../http/helpers.js';
import { challenge } from './oauth-server.js';
import { issuer, post, srv, useOAuthServer } from './resource-server-fixture.js';

useOAuthServer();

describe('discovery from a 401 (RFC 9728)', () => {
  it('a request without a token gets 401 pointing at the protected resource metadata, without an error code', async () => {
    const r = await post(undefined);
    expect(r.status).toBe(401);
    const c = challenge(r.headers['www-authenticate']);
    expect(c.resource_metadata).toBe(`${srv.url}/.well-known/oauth-protected-resource/mcp`);
    expect(c.error).toBeUndefined();
    expect(r.json?.error?.message).toMatch(/no access token/);
    for (const path of ['/sse', '/messages?sessionId=x']) {
      const s = await rawRequest(srv.url, path, {
        method: path === '/sse' ? 'GET' : 'POST',
        body: path === '/sse' ? undefined : '{}',
      });
      expect(s.status, path).toBe(401);
      expect(challenge(s.headers['www-authenticate']).resource_metadata).toBe(
        `${srv.url}/.well-known/oauth-protected-resource/sse`,
      );
    }
  });

  it('serves the metadata for /mcp (also at the bare well-known path) and /sse, readable from any origin without a token', async () => {
    for (const [path, resource] of [
      ['/.well-known/oauth-protected-resource/mcp', '/mcp'],
      ['/.well-known/oauth-protected-resource', '/mcp'],
      ['/.well-known/oauth-protected-resource/sse', '/sse'],
    ] as const) {
      const r = await rawRequest(srv.url, path, { headers: { origin: 'https://chat.example.com' } });
      expect(r.status, path).toBe(200);
      expect(r.headers['access-control-allow-origin']).toBe('*');
      expect(r.json).toEqual({
        resource: `${srv.url}${resource}`,
        authorization_servers: [issuer.issuer],
        bearer_methods_supported: ['header'],
        resource_name: expect.stringMatching(/Proxmox/),
      });
    }
    const preflight = await rawRequest(srv.url, '/.well-known/oauth-protected-resource/mcp', {
      method: 'OPTIONS',
      headers: { origin: 'https://chat.example.com', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect((await rawRequest(srv.url, '/.well-known/oauth-protected-resource/other')).status).toBe(404);
  });
});

describe('CORS for browser clients', () => {
  it('a preflight from an allowed origin may send X-Proxmox-Token and read WWW-Authenticate', async () => {
    const r = await rawRequest(srv.url, '/mcp', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST' },
    });
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-headers']).toMatch(/\bx-proxmox-token\b/);
    expect(r.headers['access-control-expose-headers']).toMatch(/\bwww-authenticate\b/);
  });
});
