import { randomUUID } from 'node:crypto';
import { followAuthorization, pkcePair } from './oauth-browser.js';
import { PREREGISTERED_CLIENT } from './oauth-provider-config.js';

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
}

/**
 * A whole authorization-code flow with PKCE for the pre-registered client, as a user's client would do
 * it; the provider logs in whoever it was told to beforehand.
 */
export async function codeFlowToken(issuer: string, o: { resource?: string; scope?: string }) {
  const { verifier, challenge } = pkcePair();
  const auth = new URL(`${issuer}/auth`);
  auth.search = new URLSearchParams({
    client_id: PREREGISTERED_CLIENT.client_id,
    response_type: 'code',
    redirect_uri: PREREGISTERED_CLIENT.redirect_uri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope: o.scope ?? 'openid mcp:tools',
    state: randomUUID(),
    ...(o.resource ? { resource: o.resource } : {}),
  }).toString();
  const back = await followAuthorization(auth, issuer);
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`no code: ${back.search}`);
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: PREREGISTERED_CLIENT.redirect_uri,
      client_id: PREREGISTERED_CLIENT.client_id,
      ...(o.resource ? { resource: o.resource } : {}),
    }),
  });
  const body = (await res.json()) as TokenResponse & { error?: string; error_description?: string };
  if (!res.ok) throw new Error(`token endpoint: ${body.error}: ${body.error_description}`);
  return body;
}

/** Revokes a token the pre-registered client holds (RFC 7009). */
export async function revokeToken(issuer: string, token: string) {
  const res = await fetch(`${issuer}/token/revocation`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, client_id: PREREGISTERED_CLIENT.client_id }),
  });
  if (!res.ok) throw new Error(`revocation: ${res.status} ${await res.text()}`);
}
