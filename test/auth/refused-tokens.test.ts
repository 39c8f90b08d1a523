// A client whose fresh tokens keep being refused (e.g. the wrong audience) is answered 429 instead of 401 past
// 20 refused tokens in 10 s from its address, so the SDK stops refreshing in a loop; valid and expired tokens
// are never held back, and memory stays bounded.
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { setMetricsSink, type MetricsSink } from '../../src/metrics/events.js';
import { RefusedTokenLimiter } from '../../src/transports/http/refused-tokens.js';
import { initializeBody, rawRequest, type InProcessServer } from '../http/helpers.js';
import { startLocalIssuer, type LocalIssuer } from './local-issuer.js';
import { startOAuthServer } from './oauth-server.js';
import { now } from './resource-server-fixture.js';

let issuer: LocalIssuer;
let srv: InProcessServer;
beforeEach(async () => {
  issuer ??= await startLocalIssuer();
  srv = await startOAuthServer(issuer);
});
afterEach(() => srv?.close());
afterAll(() => issuer?.close());

const post = (token: string) =>
  rawRequest(srv.url, '/mcp', {
    method: 'POST',
    body: initializeBody,
    headers: { authorization: `Bearer ${token}` },
  });

describe('refused tokens from one address', () => {
  it('the 21st within 10 s gets 429 + Retry-After saying what to check; valid and expired tokens still get through / their 401', async () => {
    const seen: string[] = [];
    const noop = () => {};
    const sink: MetricsSink = {
      toolCall: noop,
      upstream: noop,
      refusal: (r) => seen.push(r),
      sessionOpened: noop,
      sessionClosed: noop,
    };
    setMetricsSink(sink);
    try {
      const wrong = await issuer.sign({ aud: 'https://elsewhere.example.com/mcp' });
      for (let i = 0; i < 20; i++) expect((await post(wrong)).status).toBe(401);
      const limited = await post(wrong);
      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(10);
      expect(limited.headers['www-authenticate']).toBeUndefined();
      const message = limited.json?.error?.message ?? '';
      expect(message).toMatch(
        /^Too Many Requests: more than 20 requests from this address within 10 s carried access tokens this server refuses \(the last: the token's audience/,
      );
      expect(message).toContain(`ask ${issuer.issuer} for a token for ${srv.url}/mcp`);
      expect(message).toMatch(/MCP_PUBLIC_URL, MCP_OAUTH_AUDIENCE/);
      expect(seen.filter((r) => r === 'auth')).toHaveLength(21);
      // A good token from the same address is never held back, nor an expired one's cue to refresh.
      expect((await post(await issuer.sign({ aud: `${srv.url}/mcp` }))).status).toBe(200);
      const expired = await post(await issuer.sign({ aud: `${srv.url}/mcp`, exp: now() - 120 }));
      expect(expired.status).toBe(401);
      expect(String(expired.headers['www-authenticate'])).toMatch(/error="invalid_token"/);
      expect(srv.logs.join('\n')).toMatch(
        /proxmox-mcp warn: OAuth: 127\.0\.0\.1 sent more than 20 tokens this server refuses within 10 s/,
      );
      expect(srv.logs.filter((l) => /sent more than 20 tokens/.test(l))).toHaveLength(1);
    } finally {
      setMetricsSink(undefined);
    }
  });

  it('expired tokens and requests without a token do not count', async () => {
    const expired = await issuer.sign({ aud: `${srv.url}/mcp`, exp: now() - 120 });
    for (let i = 0; i < 25; i++) expect((await post(expired)).status).toBe(401);
    for (let i = 0; i < 25; i++)
      expect((await rawRequest(srv.url, '/mcp', { method: 'POST', body: initializeBody })).status).toBe(401);
    expect((await post(await issuer.sign({ aud: 'https://elsewhere.example.com/mcp' }))).status).toBe(401);
  });

  it("the SDK's SSE client refreshing on every 401 stops at the 429 instead of looping", async () => {
    issuer.refreshClaims = { aud: 'https://elsewhere.example.com/sse' };
    const before = issuer.hits.token;
    let tokens: OAuthTokens | undefined = {
      access_token: await issuer.sign(issuer.refreshClaims),
      token_type: 'Bearer',
      refresh_token: 'rt-0',
    };
    const provider: OAuthClientProvider = {
      redirectUrl: 'http://127.0.0.1:1/callback',
      clientMetadata: { redirect_uris: ['http://127.0.0.1:1/callback'], client_name: 'loop' },
      clientInformation: () => ({ client_id: 'loop-client' }),
      tokens: () => tokens,
      saveTokens: (t) => void (tokens = t),
      redirectToAuthorization: () => {
        throw new Error('no browser in this test');
      },
      saveCodeVerifier: () => {},
      codeVerifier: () => 'unused',
    };
    const transport = new SSEClientTransport(new URL('/sse', srv.url), { authProvider: provider });
    const client = new Client({ name: 'loop', version: '1' });
    const started = Date.now();
    await expect(client.connect(transport)).rejects.toThrow(/429/);
    const refreshes = issuer.hits.token - before;
    expect(refreshes).toBeGreaterThanOrEqual(19);
    expect(refreshes).toBeLessThanOrEqual(21);
    expect(Date.now() - started).toBeLessThan(5_000);
    await client.close().catch(() => {});
  });
});

describe('RefusedTokenLimiter', () => {
  it('keeps at most maxAddresses windows, forgets finished ones first, and a new window starts the count again', () => {
    let t = 0;
    const limiter = new RefusedTokenLimiter(
      { max: 2, windowMs: 1_000, maxAddresses: 3, now: () => t },
      createLogger({ level: 'error', write: () => {} }),
    );
    for (const a of ['a', 'b', 'c', 'd', 'e']) limiter.refused(a, 'why', 'advice');
    expect(limiter.size).toBe(3);
    expect(limiter.refused('x', 'why', 'advice')).toBeUndefined();
    expect(limiter.refused('x', 'why', 'advice')).toBeUndefined();
    expect(limiter.refused('x', 'why', 'advice')?.status).toBe(429);
    t = 1_000;
    expect(limiter.refused('x', 'why', 'advice')).toBeUndefined();
    expect(limiter.size).toBeLessThanOrEqual(3);
  });
});
