import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  PREREGISTERED_CLIENT,
  startOAuthProvider,
  type TestOAuthProvider,
} from '../helpers/oauth-provider.js';

/**
 * The test authorization server must behave like the Keycloak realm the README describes, or the
 * end-to-end tests prove nothing about real deployments: these pin what the e2e tests rely on.
 */

const RESOURCE = 'http://127.0.0.1:9/mcp';
let as: TestOAuthProvider;

beforeAll(async () => {
  as = await startOAuthProvider();
});
afterAll(() => as.close());

describe('test authorization server', () => {
  it('issues JWT access tokens whose aud is the requested resource, signed with its JWKS, with groups and email', async () => {
    const t = await as.issueToken({ user: 'carol', resource: RESOURCE });
    const jwks = createRemoteJWKSet(new URL(`${as.issuer}/jwks`));
    const { payload, protectedHeader } = await jwtVerify(t.access_token, jwks, {
      issuer: as.issuer,
      audience: RESOURCE,
    });
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload).toMatchObject({
      sub: 'carol-0003',
      email: 'carol@example.com',
      groups: ['pve-operators'],
      scope: 'mcp:tools',
    });
    expect(t.refresh_token).toBeTruthy();
  });

  it('gives each resource its own audience (a token for another resource is not one for this)', async () => {
    const t = await as.issueToken({ user: 'alice', resource: 'http://127.0.0.1:9/other' });
    expect(decodeJwt(t.access_token).aud).toBe('http://127.0.0.1:9/other');
  });

  it('gives a request that names no scope the default scope, as Keycloak does (not access_denied)', async () => {
    const t = await as.issueToken({ user: 'bob', resource: RESOURCE, scope: '' });
    expect(decodeJwt(t.access_token).scope).toBe('mcp:tools');
  });

  it('without a resource indicator, the access token is opaque (not a JWT)', async () => {
    const t = await as.issueToken({ user: 'alice' });
    expect(t.access_token.split('.')).toHaveLength(1);
  });

  it('refuses an authorization request without PKCE', async () => {
    const url = new URL(`${as.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: PREREGISTERED_CLIENT.client_id,
      response_type: 'code',
      redirect_uri: PREREGISTERED_CLIENT.redirect_uri,
      scope: 'openid mcp:tools',
      resource: RESOURCE,
    }).toString();
    const back = await as.authorize(url);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('advertises what the MCP client flow needs: S256, dynamic registration, code flow', async () => {
    const md = (await (await fetch(`${as.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(md.issuer).toBe(as.issuer);
    expect(md.code_challenge_methods_supported).toEqual(['S256']);
    expect(md.registration_endpoint).toBeTruthy();
    expect(md.response_types_supported).toEqual(['code']);
  });

  it('honours the configured token lifetime', async () => {
    as.setAccessTokenTtl(2);
    try {
      const t = await as.issueToken({ user: 'bob', resource: RESOURCE });
      const p = decodeJwt(t.access_token);
      expect((p.exp ?? 0) - (p.iat ?? 0)).toBe(2);
    } finally {
      as.setAccessTokenTtl(300);
    }
  });

  it('rotates its signing key: new tokens carry the new kid, the JWKS lists it', async () => {
    const before = decodeProtectedHeader(
      (await as.issueToken({ user: 'bob', resource: RESOURCE })).access_token,
    );
    await as.rotateKeys();
    const after = decodeProtectedHeader(
      (await as.issueToken({ user: 'bob', resource: RESOURCE })).access_token,
    );
    expect(after.kid).not.toBe(before.kid);
    const jwks = (await (await fetch(`${as.issuer}/jwks`)).json()) as { keys: { kid: string; d?: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual([after.kid]);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
  });
});
