import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { JWTVerifyGetKey } from 'jose';
import type { Logger } from '../logger.js';
import type { Caller, CallerExtra } from './caller.js';
import { callerFromClaims } from './caller-from-claims.js';
import { discoverAuthServer, type AuthServerMetadata } from './discovery.js';
import { Introspector } from './introspection.js';
import { looksLikeJwt, remoteKeySet, verifyJwt } from './jwt-verifier.js';
import type { OAuthSettings } from './oauth-settings.js';
import { resourceId } from './protected-resource.js';
import { cannotCheck, invalidToken, TokenRefused, type TokenProblem } from './token-problem.js';

/** Longer than any real access token; a bigger header is refused before anything parses it. */
export const MAX_TOKEN_LENGTH = 8_192;

export type AuthOutcome =
  { ok: true; caller: Caller; authInfo: AuthInfo } | { ok: false; problem: TokenProblem };

interface Discovered {
  metadata: AuthServerMetadata;
  keys?: JWTVerifyGetKey;
  introspector?: Introspector;
}

/**
 * The OAuth resource server's check of one request: read the bearer token, verify it against the
 * configured issuer (JWT signature and claims, or introspection for opaque tokens), require the
 * configured scopes, and name the person. The issuer's metadata is discovered at start-up and, if the
 * issuer is down then, again on a later request (at most every few seconds): the server keeps running
 * and answers 503 meanwhile.
 */
export class OAuthAuthenticator {
  private publicUrl: string | undefined;
  private discovered?: Discovered;
  private pending?: Promise<Discovered>;
  private failedAt = -Infinity;
  private lastFailure = '';

  constructor(
    readonly settings: OAuthSettings,
    private readonly logger: Logger,
  ) {
    this.publicUrl = settings.publicUrl;
  }

  /** The listener's URL, the public URL when MCP_PUBLIC_URL is not set (loopback listeners only). */
  listening(boundUrl: string): void {
    this.publicUrl ??= boundUrl;
  }

  get resourceBase(): string {
    if (!this.publicUrl) throw new Error('OAuthAuthenticator used before the listener is bound');
    return this.publicUrl;
  }

  /** Accepted `aud` values: as configured, or this server's two resource identifiers. */
  get audience(): string[] {
    return (
      this.settings.audience ?? [resourceId(this.resourceBase, '/mcp'), resourceId(this.resourceBase, '/sse')]
    );
  }

  /** Discovery in the background, so start-up says at once whether the issuer is usable. */
  start(): void {
    this.ready().catch(() => {});
  }

  async authenticate(authorization: string | undefined, pveToken: string | undefined): Promise<AuthOutcome> {
    try {
      const token = bearerToken(authorization);
      const { caller, claims } = await this.verify(token);
      const missing = this.settings.requiredScopes.filter((s) => !caller.scopes.includes(s));
      if (missing.length)
        return {
          ok: false,
          problem: {
            status: 403,
            error: 'insufficient_scope',
            description: `the token lacks the scope(s) ${missing.join(', ')}; sign in again asking for them`,
          },
        };
      const extra: CallerExtra = { caller, ...(pveToken ? { pveToken } : {}) };
      const clientId = [claims.azp, claims.client_id].find((v): v is string => typeof v === 'string') ?? '';
      return {
        ok: true,
        caller,
        authInfo: {
          token,
          clientId,
          scopes: caller.scopes,
          ...(typeof claims.exp === 'number' ? { expiresAt: claims.exp } : {}),
          extra: extra as Record<string, unknown>,
        },
      };
    } catch (err) {
      if (err instanceof TokenRefused) return { ok: false, problem: err.problem };
      throw err;
    }
  }

  private async verify(token: string): Promise<{ caller: Caller; claims: Record<string, unknown> }> {
    const d = await this.ready();
    let claims: Record<string, unknown>;
    // `on` asks the issuer about every token, JWTs too (so a revoked one stops at once); otherwise a
    // JWT is checked here and only opaque tokens are introspected.
    if (d.introspector && (this.settings.introspection === 'on' || !looksLikeJwt(token) || !d.keys)) {
      claims = await d.introspector.introspect(token);
    } else if (looksLikeJwt(token) && d.keys) {
      claims = await verifyJwt(token, d.keys, {
        issuer: this.settings.issuer,
        audience: this.audience,
        algorithms: this.settings.algorithms,
        clockSkewSeconds: this.settings.clockSkewSeconds,
      });
    } else {
      throw invalidToken(
        looksLikeJwt(token)
          ? 'the authorization server publishes no signing keys (jwks_uri) to check this JWT with'
          : 'the token is not a JWT, and this server has no introspection configured to check opaque tokens',
      );
    }
    const caller = callerFromClaims(claims, this.settings.issuer, this.settings.nameClaim);
    if (!caller) throw invalidToken('the token names no subject (sub)');
    return { caller, claims };
  }

  private ready(): Promise<Discovered> {
    if (this.discovered) return Promise.resolve(this.discovered);
    if (this.pending) return this.pending;
    if (Date.now() - this.failedAt < this.settings.discoveryRetryMs)
      return Promise.reject(this.unavailable());
    const s = this.settings;
    this.pending = discoverAuthServer(s.issuer, {
      timeoutMs: s.fetchTimeoutMs,
      needsJwks: s.introspection !== 'on',
    })
      .then((metadata) => {
        const d = this.build(metadata);
        this.discovered = d;
        this.logger.info(`OAuth: authorization server ${s.issuer} discovered`, {
          metadata: metadata.source,
          jwks: metadata.jwksUri ?? 'none',
          introspection: d.introspector ? metadata.introspectionEndpoint : 'off',
        });
        return d;
      })
      .catch((err: unknown) => {
        this.failedAt = Date.now();
        this.lastFailure = err instanceof Error ? err.message : String(err);
        this.logger.error(
          `OAuth: cannot use the authorization server yet: ${this.lastFailure}. Requests with a token get 503 ` +
            `until it answers; retrying at most every ${Math.round(s.discoveryRetryMs / 1000)} s`,
        );
        throw this.unavailable();
      })
      .finally(() => (this.pending = undefined));
    return this.pending;
  }

  private build(metadata: AuthServerMetadata): Discovered {
    const s = this.settings;
    const keys = metadata.jwksUri
      ? remoteKeySet(metadata.jwksUri, { timeoutMs: s.fetchTimeoutMs, cooldownMs: s.jwksCooldownMs })
      : undefined;
    const wantIntrospection = s.introspection !== 'off' && s.clientId && s.clientSecret;
    if (s.introspection === 'on' && !metadata.introspectionEndpoint)
      throw new Error(`${metadata.source} has no introspection_endpoint, and MCP_OAUTH_INTROSPECTION=on`);
    const introspector =
      wantIntrospection && metadata.introspectionEndpoint
        ? new Introspector({
            endpoint: metadata.introspectionEndpoint,
            clientId: s.clientId!,
            clientSecret: s.clientSecret!,
            issuer: s.issuer,
            audience: this.audience,
            clockSkewSeconds: s.clockSkewSeconds,
            timeoutMs: s.fetchTimeoutMs,
          })
        : undefined;
    return { metadata, ...(keys ? { keys } : {}), ...(introspector ? { introspector } : {}) };
  }

  private unavailable(): TokenRefused {
    return cannotCheck(
      `the authorization server ${this.settings.issuer} cannot be used right now (${this.lastFailure}); retry shortly`,
    );
  }
}

/** `Authorization: Bearer <token>` (RFC 6750 §2.1), the only way a token is accepted. */
function bearerToken(header: string | undefined): string {
  if (header === undefined || header === '')
    throw new TokenRefused({
      status: 401,
      description: 'no access token: send "Authorization: Bearer <token>"',
    });
  const m = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i.exec(header);
  if (!m?.[1]) {
    if (header.length > MAX_TOKEN_LENGTH || /^Bearer[ \t]/i.test(header))
      throw invalidToken('the Authorization header does not carry a well-formed bearer token');
    // Another scheme is no authentication at all to us: RFC 6750 §3.1 says no error code then.
    throw new TokenRefused({
      status: 401,
      description: 'the Authorization header must use the Bearer scheme: "Authorization: Bearer <token>"',
    });
  }
  if (m[1].length > MAX_TOKEN_LENGTH)
    throw invalidToken(`the access token is longer than ${MAX_TOKEN_LENGTH} characters`);
  return m[1];
}
