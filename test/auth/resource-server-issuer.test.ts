// The authorization server as the resource server sees it: key rotation and refetch cooldown, discovery
// (OpenID fallback, a lying issuer, the issuer down at start) and the key set unreachable after discovery.
import { describe, expect, it } from 'vitest';
import { initializeBody, rawRequest, type InProcessServer } from '../http/helpers.js';
import { startLocalIssuer } from './local-issuer.js';
import { challenge, startOAuthServer } from './oauth-server.js';

describe('JWKS rotation', () => {
  it('a token signed with a new key is accepted after one refetch of the key set; the retired key is refused', async () => {
    const rot = await startLocalIssuer();
    const s = await startOAuthServer(rot, {}, { jwksCooldownMs: 100 });
    try {
      const old = await rot.sign({ aud: `${s.url}/mcp` });
      expect(
        (
          await rawRequest(s.url, '/mcp', {
            method: 'POST',
            body: initializeBody,
            headers: { authorization: `Bearer ${old}` },
          })
        ).status,
      ).toBe(200);
      expect(rot.hits.jwks).toBe(1);
      await rot.rotate();
      await new Promise((r) => setTimeout(r, 150));
      const fresh = await rot.sign({ aud: `${s.url}/mcp` });
      const r = await rawRequest(s.url, '/mcp', {
        method: 'POST',
        body: initializeBody,
        headers: { authorization: `Bearer ${fresh}` },
      });
      expect(r.status).toBe(200);
      expect(rot.hits.jwks).toBe(2);
      await new Promise((r) => setTimeout(r, 150));
      const retired = await rawRequest(s.url, '/mcp', {
        method: 'POST',
        body: initializeBody,
        headers: { authorization: `Bearer ${old}` },
      });
      expect(retired.status).toBe(401);
      expect(challenge(retired.headers['www-authenticate']).error_description).toMatch(/unknown kid/);
    } finally {
      await s.close();
      await rot.close();
    }
  });

  it('unknown key ids do not make the server hammer the issuer: one refetch per cooldown', async () => {
    const rot = await startLocalIssuer();
    const s = await startOAuthServer(rot, {}, { jwksCooldownMs: 60_000 });
    try {
      const good = await rot.sign({ aud: `${s.url}/mcp` });
      expect(
        (
          await rawRequest(s.url, '/mcp', {
            method: 'POST',
            body: initializeBody,
            headers: { authorization: `Bearer ${good}` },
          })
        ).status,
      ).toBe(200);
      for (let i = 0; i < 5; i++) {
        const forged = await rot.signWithUnpublishedKey({ aud: `${s.url}/mcp` });
        expect(
          (
            await rawRequest(s.url, '/mcp', {
              method: 'POST',
              body: initializeBody,
              headers: { authorization: `Bearer ${forged}` },
            })
          ).status,
        ).toBe(401);
      }
      expect(rot.hits.jwks).toBe(1);
    } finally {
      await s.close();
      await rot.close();
    }
  });
});

describe('discovery', () => {
  it('falls back to OpenID Connect discovery (path appended) when RFC 8414 metadata is absent', async () => {
    const oidc = await startLocalIssuer({ metadata: 'oidc' });
    const s = await startOAuthServer(oidc);
    try {
      const t = await oidc.sign({ aud: `${s.url}/mcp` });
      const r = await rawRequest(s.url, '/mcp', {
        method: 'POST',
        body: initializeBody,
        headers: { authorization: `Bearer ${t}` },
      });
      expect(r.status).toBe(200);
      expect(s.logs.join('\n')).toMatch(/OAuth: authorization server .* discovered.*openid-configuration/);
    } finally {
      await s.close();
      await oidc.close();
    }
  });

  it('metadata naming another issuer is not trusted: 503 and a log line saying what to fix', async () => {
    const liar = await startLocalIssuer({ issuerOverride: 'https://other.example.com/realms/test' });
    const s = await startOAuthServer(liar);
    try {
      const t = await liar.sign({ aud: `${s.url}/mcp` });
      const r = await rawRequest(s.url, '/mcp', {
        method: 'POST',
        body: initializeBody,
        headers: { authorization: `Bearer ${t}` },
      });
      expect(r.status).toBe(503);
      expect(s.logs.join('\n')).toMatch(
        /names issuer "https:\/\/other\.example\.com\/realms\/test", but MCP_OAUTH_ISSUER is/,
      );
    } finally {
      await s.close();
      await liar.close();
    }
  });

  it('the issuer down at start: the server starts, answers 401 to no token and 503 to a token, then works once the issuer is up', async () => {
    const flaky = await startLocalIssuer();
    flaky.down = true;
    const s = await startOAuthServer(flaky);
    try {
      const noToken = await rawRequest(s.url, '/mcp', { method: 'POST', body: initializeBody });
      expect(noToken.status).toBe(401);
      expect((await rawRequest(s.url, '/.well-known/oauth-protected-resource/mcp')).status).toBe(200);
      const t = await flaky.sign({ aud: `${s.url}/mcp` });
      const down = await rawRequest(s.url, '/mcp', {
        method: 'POST',
        body: initializeBody,
        headers: { authorization: `Bearer ${t}` },
      });
      expect(down.status).toBe(503);
      expect(down.headers['retry-after']).toBe('5');
      expect(down.json?.error?.message).toMatch(/authorization server .* cannot be used right now/);
      expect(s.logs.join('\n')).toMatch(/OAuth: cannot use the authorization server yet/);
      flaky.down = false;
      await new Promise((r) => setTimeout(r, 150));
      const up = await rawRequest(s.url, '/mcp', {
        method: 'POST',
        body: initializeBody,
        headers: { authorization: `Bearer ${t}` },
      });
      expect(up.status).toBe(200);
    } finally {
      await s.close();
      await flaky.close();
    }
  });
});

describe('the signing keys unreachable after discovery', () => {
  it('a token gets 503 with Retry-After (not a misleading 401) until the key set can be fetched', async () => {
    const flaky = await startLocalIssuer();
    const s = await startOAuthServer(flaky);
    try {
      await waitForLog(s, /authorization server .* discovered/);
      flaky.down = true;
      const t = await flaky.sign({ aud: `${s.url}/mcp` });
      const call = () =>
        rawRequest(s.url, '/mcp', {
          method: 'POST',
          body: initializeBody,
          headers: { authorization: `Bearer ${t}` },
        });
      const down = await call();
      expect(down.status).toBe(503);
      expect(down.headers['retry-after']).toBe('5');
      expect(down.json?.error?.message).toMatch(/signing keys/);
      flaky.down = false;
      expect((await call()).status).toBe(200);
    } finally {
      await s.close();
      await flaky.close();
    }
  });
});

async function waitForLog(s: InProcessServer, re: RegExp): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!re.test(s.logs.join('\n'))) {
    if (Date.now() > deadline) throw new Error(`no log line matching ${re}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
