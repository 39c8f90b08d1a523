import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { PREREGISTERED_CLIENT, type TestOAuthProvider } from './oauth-provider.js';

/**
 * The client half of the MCP authorization flow as a hosted assistant runs it, with the SDK doing the
 * protocol (401 → protected resource metadata → authorization server metadata → registration → PKCE
 * authorization request with `resource` → code exchange → refresh) and this class only keeping state
 * in memory and playing the user's browser against the test provider.
 */
export class TestOAuthClient implements OAuthClientProvider {
  private info: OAuthClientInformationMixed | undefined;
  private stored: OAuthTokens | undefined;
  private verifier = '';
  /** The code from the last completed browser step, for `transport.finishAuth`. */
  code: string | undefined;
  /** Every authorization URL the SDK sent the "browser" to (tests read its parameters). */
  readonly authorizationUrls: URL[] = [];
  /** Every token response the SDK saved, in order. */
  readonly savedTokens: OAuthTokens[] = [];
  readonly registered: OAuthClientInformationMixed[] = [];

  constructor(
    private readonly as: TestOAuthProvider,
    private readonly opts: { user: string; preregistered?: boolean; scope?: string },
  ) {
    if (opts.preregistered) this.info = { client_id: PREREGISTERED_CLIENT.client_id };
  }

  get redirectUrl(): string {
    return this.opts.preregistered ? PREREGISTERED_CLIENT.redirect_uri : 'http://127.0.0.1:1/oauth/callback';
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'proxmox-mcp e2e test client',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      ...(this.opts.scope ? { scope: this.opts.scope } : {}),
    };
  }

  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
    this.registered.push(info);
  }
  tokens() {
    return this.stored;
  }
  saveTokens(tokens: OAuthTokens) {
    this.stored = tokens;
    this.savedTokens.push(tokens);
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }

  /** The user's browser: the provider logs in `opts.user` and redirects back with the code. */
  async redirectToAuthorization(url: URL) {
    this.authorizationUrls.push(url);
    this.as.loginAs(this.opts.user);
    const back = await this.as.authorize(url);
    const error = back.searchParams.get('error');
    if (error)
      throw new Error(`authorization refused: ${error}: ${back.searchParams.get('error_description')}`);
    this.code = back.searchParams.get('code') ?? undefined;
  }

  /** Replaces the stored access token (to present a chosen one, e.g. a tampered or expired token). */
  setAccessToken(accessToken: string) {
    if (!this.stored) throw new Error('no tokens yet');
    this.stored = { ...this.stored, access_token: accessToken };
  }
}

/**
 * Connects an SDK client to `${base}/mcp` (or the legacy `${base}/sse`) with OAuth, the way a hosted
 * client does: the first attempt is refused with 401 and sends the user through the authorization
 * step, then `finishAuth(code)` exchanges the code, and a second connection uses the token.
 */
export async function connectWithOAuth(
  base: string,
  oauth: TestOAuthClient,
  opts: { legacy?: boolean; headers?: Record<string, string> } = {},
): Promise<{ client: Client; attempts: number }> {
  const make = () => {
    const requestInit = opts.headers ? { headers: opts.headers } : undefined;
    return opts.legacy
      ? new SSEClientTransport(new URL('/sse', base), { authProvider: oauth, requestInit })
      : new StreamableHTTPClientTransport(new URL('/mcp', base), { authProvider: oauth, requestInit });
  };
  let attempts = 1;
  let transport = make();
  let client = new Client({ name: 'oauth-e2e', version: '1' });
  try {
    await client.connect(transport);
  } catch (err) {
    if (!(err instanceof UnauthorizedError)) throw err;
    if (!oauth.code) throw new Error('the SDK asked for authorization but no code came back');
    await transport.finishAuth(oauth.code);
    oauth.code = undefined;
    attempts++;
    transport = make();
    client = new Client({ name: 'oauth-e2e', version: '1' });
    await client.connect(transport);
  }
  return { client, attempts };
}
