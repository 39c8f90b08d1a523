import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type Provider from 'oidc-provider';
import { followAuthorization, pkcePair } from './oauth-browser.js';
import { memoryAdapterFactory } from './oauth-provider-store.js';

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
 */

export interface TestUser {
  sub: string;
  email: string;
  name: string;
  groups: string[];
}

export const TEST_USERS: Record<string, TestUser> = {
  alice: { sub: 'alice-0001', email: 'alice@example.com', name: 'Alice', groups: ['pve-admins'] },
  bob: { sub: 'bob-0002', email: 'bob@example.com', name: 'Bob', groups: ['pve-readers'] },
  carol: { sub: 'carol-0003', email: 'carol@example.com', name: 'Carol', groups: ['pve-operators'] },
  dave: { sub: 'dave-0004', email: 'dave@example.com', name: 'Dave', groups: ['contractors'] },
};

/** Scopes every resource server of this provider knows (a token carries those requested of them). */
export const RESOURCE_SCOPES = ['mcp:tools', 'mcp:admin'];
/** What an authorization request that names no scope is given (Keycloak: the default client scopes). */
export const DEFAULT_SCOPE = 'openid mcp:tools';

/** The pre-registered public client (like a client configured by hand in the Keycloak admin UI). */
export const PREREGISTERED_CLIENT = {
  client_id: 'test-preregistered',
  redirect_uri: 'http://127.0.0.1:1/callback',
};

/**
 * The confidential client the resource server authenticates with at the introspection endpoint
 * (MCP_OAUTH_CLIENT_ID / MCP_OAUTH_CLIENT_SECRET), as one registers it in Keycloak for a service.
 */
export const RESOURCE_SERVER_CLIENT = {
  client_id: 'proxmox-mcp',
  client_secret: 'rs-secret-0f3c9a7e5b1d4c2a8e6f',
};

export interface TestOAuthProviderOptions {
  /** Access token lifetime in seconds (default 300); changeable later with `setAccessTokenTtl`. */
  accessTokenTtl?: number;
  /**
   * Sign with these keys (private JWKs, same `kid`s) instead of fresh ones: a second issuer sharing
   * the first one's keys proves the resource server checks `iss`, not only the signature.
   */
  signingKeys?: JWK[];
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
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

type ClientLike = { clientId: string; clientAuthMethod: string };

async function signingKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

/** oidc-provider warns on import that Node 20 is not its preferred runtime; tests run on Node 20. */
async function importProvider(): Promise<typeof Provider> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes('oidc-provider WARNING: Unsupported runtime')) warn(...args);
  };
  try {
    return (await import('oidc-provider')).default;
  } finally {
    console.warn = warn;
  }
}

export async function startOAuthProvider(opts: TestOAuthProviderOptions = {}): Promise<TestOAuthProvider> {
  const ProviderClass = await importProvider();
  let ttl = opts.accessTokenTtl ?? 300;
  let format: 'jwt' | 'opaque' = 'jwt';
  let nextUser = 'alice';
  const issuedFor: string[] = [];
  const Adapter = memoryAdapterFactory();
  const cookieKeys = [randomBytes(16).toString('hex')];
  let keys: JWK[] = opts.signingKeys ?? [await signingKey()];

  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const userOf = (accountId: string | undefined) =>
    Object.values(TEST_USERS).find((u) => u.sub === accountId);

  const configuration = () => ({
    adapter: Adapter,
    jwks: { keys },
    cookies: { keys: cookieKeys },
    clients: [
      {
        client_id: PREREGISTERED_CLIENT.client_id,
        redirect_uris: [PREREGISTERED_CLIENT.redirect_uri],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
      {
        ...RESOURCE_SERVER_CLIENT,
        redirect_uris: ['http://127.0.0.1:1/unused'],
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    },
    responseTypes: ['code'],
    // Registration checks a client's `scope` against these (Keycloak: the realm's client scopes).
    scopes: ['openid', 'offline_access', 'email', 'profile', ...RESOURCE_SCOPES],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true },
      // A confidential client (the resource server) may introspect any token; a public one only its own.
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx: unknown, client: ClientLike, token: { clientId?: string }) =>
          client.clientAuthMethod !== 'none' || token.clientId === client.clientId,
      },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx: unknown, client: ClientLike, token: { clientId?: string }) =>
          token.clientId === client.clientId,
      },
      resourceIndicators: {
        enabled: true,
        // A request without `resource` gets an opaque token for the userinfo endpoint, as in OIDC.
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          issuedFor.push(resource);
          return {
            scope: RESOURCE_SCOPES.join(' '),
            accessTokenFormat: format,
            accessTokenTTL: ttl,
            ...(format === 'jwt' ? { jwt: { sign: { alg: 'RS256' } } } : {}),
          };
        },
      },
    },
    // Keycloak's "groups" and "email" mappers put these in the access token, not only the ID token.
    extraTokenClaims: (_ctx: unknown, token: { accountId?: string }) => {
      const user = userOf(token.accountId);
      return user ? { groups: user.groups, email: user.email, name: user.name } : undefined;
    },
    issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(g: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    findAccount: (_ctx: unknown, id: string) => {
      const user = userOf(id);
      if (!user) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, email: user.email, email_verified: true, name: user.name }),
      };
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    ttl: {
      AccessToken: () => ttl,
      AuthorizationCode: 60,
      RefreshToken: 3600,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    renderError: (ctx: { type: string; body: unknown }, out: Record<string, unknown>) => {
      ctx.type = 'json';
      ctx.body = out;
    },
  });

  const build = () => {
    const p = new ProviderClass(issuer, configuration());
    // The provider's own server errors would otherwise vanish; a test should see them.
    p.on('server_error', (_ctx, err) => console.error('oidc-provider server_error', err));
    return p;
  };
  let provider = build();

  /** No login or consent page: the chosen user is logged in and everything asked for is granted. */
  async function interaction(req: http.IncomingMessage, res: http.ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      const user = TEST_USERS[nextUser];
      if (!user) throw new Error(`no test user ${nextUser}`);
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: user.sub } },
        {
          mergeWithLastSubmission: false,
        },
      );
      return;
    }
    const accountId = details.session?.accountId;
    if (!accountId) throw new Error('consent without a logged-in user');
    const grant =
      (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
      new provider.Grant({ accountId, clientId: details.params.client_id });
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(resource, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  /**
   * Keycloak gives a client its realm's default client scopes when the request names none; oidc-provider
   * would grant nothing and answer access_denied. An MCP client whose server advertises no scopes asks
   * for none, so an authorization request without `scope` gets the default one here.
   */
  function withDefaultScope(req: http.IncomingMessage) {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname !== '/auth' || url.searchParams.get('scope')) return;
    url.searchParams.set('scope', DEFAULT_SCOPE);
    req.url = `${url.pathname}${url.search}`;
  }

  server.on('request', (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      interaction(req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
      return;
    }
    withDefaultScope(req);
    provider.callback()(req, res);
  });

  async function issueToken(o: { user: string; resource?: string; scope?: string }) {
    nextUser = o.user;
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

  return {
    issuer,
    issuedFor,
    get signingKeys() {
      return keys;
    },
    loginAs: (user) => {
      if (!TEST_USERS[user]) throw new Error(`no test user ${user}`);
      nextUser = user;
    },
    setAccessTokenTtl: (seconds) => (ttl = seconds),
    setAccessTokenFormat: (f) => (format = f),
    revoke: async (token) => {
      const res = await fetch(`${issuer}/token/revocation`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, client_id: PREREGISTERED_CLIENT.client_id }),
      });
      if (!res.ok) throw new Error(`revocation: ${res.status} ${await res.text()}`);
    },
    authorize: (url) => followAuthorization(url, issuer),
    issueToken,
    rotateKeys: async ({ keepOld = false } = {}) => {
      keys = [await signingKey(), ...(keepOld ? keys : [])];
      // A new instance over the same storage and cookie keys: clients, grants and refresh tokens live on.
      provider = build();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
