import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import { followAuthorization } from './oauth-browser.js';
import type { ProviderSettings } from './oauth-provider-config.js';
import { codeFlowToken, revokeToken, type TokenResponse } from './oauth-provider-flow.js';
import { autoInteraction, withDefaultScope } from './oauth-provider-interaction.js';
import { importProvider, rotatingProvider, signingKey } from './oauth-provider-keys.js';
import { memoryAdapterFactory } from './oauth-provider-store.js';
import { TEST_USERS } from './oauth-provider-users.js';

export {
  DEFAULT_SCOPE,
  PREREGISTERED_CLIENT,
  RESOURCE_SCOPES,
  RESOURCE_SERVER_CLIENT,
} from './oauth-provider-config.js';
export type { TokenResponse } from './oauth-provider-flow.js';
export { TEST_USERS, type TestUser } from './oauth-provider-users.js';

/**
 * A real OAuth 2.1 / OpenID Connect authorization server for tests: `oidc-provider` (a certified
 * implementation) on loopback HTTP, set up the way a team's Keycloak realm is for an MCP server:
 * - resource indicators (RFC 8707): a token asked for resource R is a JWT whose `aud` is R;
 * - PKCE (S256) required for every client;
 * - dynamic client registration (the SDK's client registers itself) and one pre-registered public client;
 * - authorization_code and refresh_token grants (a refresh token is issued to every client allowed the
 *   grant, as Keycloak does, without asking for offline_access);
 * - `groups`, `email` and `name` claims in the access token, from a small user table;
 * - no login page: the authorization step logs in whichever user the test chose (`loginAs`), so a test
 *   completes the "browser" part by following redirects (`authorize`).
 * Its parts: oauth-provider-config (configuration and clients), -users (user table and claims), -keys
 * (signing keys and rotation), -interaction (the automatic login and consent), -flow (getting tokens).
 */

export interface TestOAuthProviderOptions {
  /** Access token lifetime in seconds (default 300); changeable later with `setAccessTokenTtl`. */
  accessTokenTtl?: number;
  /**
   * Sign with these keys (private JWKs, same `kid`s) instead of fresh ones: a second issuer sharing
   * the first one's keys proves the resource server checks `iss`, not only the signature.
   */
  signingKeys?: JWK[];
}

export interface TestOAuthProvider {
  /** The issuer URL (also the discovery base: `${issuer}/.well-known/openid-configuration`). */
  issuer: string;
  /** Who the next authorization logs in as (a key of TEST_USERS). Default: alice. */
  loginAs(user: string): void;
  setAccessTokenTtl(seconds: number): void;
  /** `opaque`: resource access tokens become opaque strings, checkable only by introspection. */
  setAccessTokenFormat(format: 'jwt' | 'opaque'): void;
  /** Revokes a token the pre-registered client holds (RFC 7009). */
  revoke(token: string): Promise<void>;
  /** The resources tokens were issued for, in order (what clients asked for with `resource`). */
  issuedFor: string[];
  /**
   * The browser step: fetches `authorizationUrl` and follows the provider's redirects (login and
   * consent happen without a page) until it is sent off the provider; returns that URL (the client's
   * redirect_uri with `code` and `state`, or with `error`).
   */
  authorize(authorizationUrl: URL | string): Promise<URL>;
  /**
   * A whole authorization-code flow with PKCE for the pre-registered client, as a user's client
   * would do it: what tests use to get tokens with chosen properties (user, resource, scope).
   */
  issueToken(opts: { user: string; resource?: string; scope?: string }): Promise<TokenResponse>;
  /** The private signing keys in use (for `signingKeys` of another test issuer). */
  readonly signingKeys: JWK[];
  /** Signs new tokens with a fresh key; the JWKS then lists the new key (and the old one if `keepOld`). */
  rotateKeys(opts?: { keepOld?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export async function startOAuthProvider(opts: TestOAuthProviderOptions = {}): Promise<TestOAuthProvider> {
  const ProviderClass = await importProvider();
  let nextUser = 'alice';
  const settings: ProviderSettings = {
    ttl: opts.accessTokenTtl ?? 300,
    format: 'jwt',
    issuedFor: [],
    adapter: memoryAdapterFactory(),
    cookieKeys: [randomBytes(16).toString('hex')],
    keys: opts.signingKeys ?? [await signingKey()],
  };

  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = rotatingProvider(ProviderClass, issuer, settings);

  server.on('request', (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      autoInteraction(provider.current, () => nextUser, req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
      return;
    }
    withDefaultScope(req, issuer);
    provider.current().callback()(req, res);
  });

  return {
    issuer,
    issuedFor: settings.issuedFor,
    get signingKeys() {
      return settings.keys;
    },
    loginAs: (user) => {
      if (!TEST_USERS[user]) throw new Error(`no test user ${user}`);
      nextUser = user;
    },
    setAccessTokenTtl: (seconds) => (settings.ttl = seconds),
    setAccessTokenFormat: (f) => (settings.format = f),
    revoke: (token) => revokeToken(issuer, token),
    authorize: (url) => followAuthorization(url, issuer),
    issueToken: (o) => {
      nextUser = o.user;
      return codeFlowToken(issuer, o);
    },
    rotateKeys: ({ keepOld = false } = {}) => provider.rotate(keepOld),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
