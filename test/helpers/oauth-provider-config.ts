import type { JWK } from 'jose';
import type { memoryAdapterFactory } from './oauth-provider-store.js';
import { extraTokenClaims, findAccount } from './oauth-provider-users.js';

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

/** What a test may change while the provider runs; the configuration reads it when it is used. */
export interface ProviderSettings {
  readonly adapter: ReturnType<typeof memoryAdapterFactory>;
  readonly cookieKeys: string[];
  /** The resources tokens were issued for, in order. */
  readonly issuedFor: string[];
  keys: JWK[];
  ttl: number;
  format: 'jwt' | 'opaque';
}

type ClientLike = { clientId: string; clientAuthMethod: string };

/** oidc-provider's configuration, set up the way a team's Keycloak realm is for an MCP server. */
export const providerConfiguration = (settings: ProviderSettings) => ({
  adapter: settings.adapter,
  jwks: { keys: settings.keys },
  cookies: { keys: settings.cookieKeys },
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
        settings.issuedFor.push(resource);
        return {
          scope: RESOURCE_SCOPES.join(' '),
          accessTokenFormat: settings.format,
          accessTokenTTL: settings.ttl,
          ...(settings.format === 'jwt' ? { jwt: { sign: { alg: 'RS256' } } } : {}),
        };
      },
    },
  },
  extraTokenClaims,
  issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(g: string): boolean }) =>
    client.grantTypeAllowed('refresh_token'),
  findAccount,
  interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
  ttl: {
    AccessToken: () => settings.ttl,
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
