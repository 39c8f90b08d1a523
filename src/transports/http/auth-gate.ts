import type { IncomingMessage } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { OAuthAuthenticator } from '../../auth/authenticator.js';
import { PERSONAL_TOKEN_HEADER, describeCaller, type CallerExtra } from '../../auth/caller.js';
import { bearerChallenge } from '../../auth/challenge.js';
import { metadataUrl, protectedEndpointOf, resourceId } from '../../auth/protected-resource.js';
import type { TokenProblem } from '../../auth/token-problem.js';
import type { Logger } from '../../logger.js';
import { metrics } from '../../metrics/events.js';
import { RefusedTokenLimiter, REFUSED_TOKEN_LIMIT } from './refused-tokens.js';
import { bearerChecker, type Refusal } from './security.js';
import type { HttpSettings } from './settings.js';

/** A person's PVE token is `user@realm!id=secret`; anything near this long is not one. */
const MAX_PERSONAL_TOKEN_LENGTH = 1_024;

export type GateResult = { authInfo: AuthInfo } | { refusal: Refusal };

/**
 * The one authentication check in front of /mcp, /sse and /messages, in the mode the settings name:
 * static bearer, OAuth (src/auth/) or none. On success the request gets the SDK's AuthInfo (set as
 * `req.auth`, which the SDK hands to handlers as `extra.authInfo`), carrying the person in OAuth
 * mode and, in every mode, the person's own Proxmox token from X-Proxmox-Token.
 */
export class AuthGate {
  readonly oauth?: OAuthAuthenticator;
  private readonly checkBearer: ReturnType<typeof bearerChecker>;
  private readonly refusedTokens: RefusedTokenLimiter;

  constructor(
    private readonly settings: HttpSettings,
    private readonly logger: Logger,
  ) {
    // Whatever authMode says, a configured check is never skipped.
    this.checkBearer = bearerChecker(settings.oauth ? undefined : settings.authToken);
    if (settings.oauth) this.oauth = new OAuthAuthenticator(settings.oauth, logger);
    this.refusedTokens = new RefusedTokenLimiter(REFUSED_TOKEN_LIMIT, logger);
  }

  async check(req: IncomingMessage, path: string, url: URL): Promise<GateResult> {
    const personal = req.headers[PERSONAL_TOKEN_HEADER];
    const pveToken = typeof personal === 'string' ? personal.trim() : undefined;
    if (pveToken && pveToken.length > MAX_PERSONAL_TOKEN_LENGTH)
      return this.refuse({
        status: 400,
        message: `Bad Request: the X-Proxmox-Token header is longer than ${MAX_PERSONAL_TOKEN_LENGTH} characters`,
      });
    const extra: CallerExtra = pveToken ? { pveToken } : {};
    if (!this.oauth) {
      const denied = this.checkBearer(req.headers);
      if (denied) return this.refuse(denied);
      return { authInfo: { token: '', clientId: '', scopes: [], extra: extra as Record<string, unknown> } };
    }
    const outcome = await this.oauth.authenticate(req.headers.authorization, pveToken);
    if (outcome.ok) return { authInfo: outcome.authInfo };
    const problem = queryTokenProblem(outcome.problem, req.headers.authorization, url);
    if (problem.error === 'invalid_token' && !problem.expired) {
      const limited = this.refusedTokens.refused(
        req.socket.remoteAddress ?? 'unknown',
        problem.description,
        this.configAdvice(),
      );
      if (limited) return this.refuse(limited);
    }
    if (problem.status !== 401 || problem.error)
      this.logger.info(`OAuth: ${req.method} ${path} refused (${problem.status}): ${problem.description}`);
    return this.refuse(this.oauthRefusal(problem, path));
  }

  /** What a stream of refused fresh tokens usually means, and what to compare. */
  private configAdvice(): string {
    const oauth = this.oauth!;
    return (
      'When freshly issued tokens are refused, the audience or issuer does not match: the client must ' +
      `ask ${oauth.settings.issuer} for a token for ${resourceId(oauth.resourceBase, '/mcp')} (or /sse), ` +
      `and the token's aud must be one of ${oauth.audience.join(', ')} (MCP_PUBLIC_URL, MCP_OAUTH_AUDIENCE)`
    );
  }

  private oauthRefusal(problem: TokenProblem, path: string): Refusal {
    const oauth = this.oauth!;
    const label = { 401: 'Unauthorized', 403: 'Forbidden', 503: 'Service Unavailable' }[problem.status];
    const headers: Record<string, string> =
      problem.status === 503
        ? { 'retry-after': '5' }
        : {
            'www-authenticate': bearerChallenge({
              resourceMetadata: metadataUrl(oauth.resourceBase, protectedEndpointOf(path)),
              scopes: oauth.settings.requiredScopes,
              problem,
            }),
          };
    return { status: problem.status, message: `${label}: ${problem.description}`, headers };
  }

  private refuse(refusal: Refusal): GateResult {
    metrics.refusal('auth');
    return { refusal };
  }
}

/** A token in the URL is never read (it ends up in logs and histories); say so instead of "no token". */
function queryTokenProblem(problem: TokenProblem, authorization: string | undefined, url: URL): TokenProblem {
  if (authorization || !url.searchParams.has('access_token')) return problem;
  return {
    status: 401,
    error: 'invalid_request',
    description: 'access tokens in the URL query are not accepted; send "Authorization: Bearer <token>"',
  };
}

/** Who owns a session: the issuer and subject of the person who opened it (OAuth mode only). */
export function sessionOwnerOf(req: IncomingMessage): string | undefined {
  const caller = ((req as IncomingMessage & { auth?: AuthInfo }).auth?.extra as CallerExtra | undefined)
    ?.caller;
  return caller ? `${caller.issuer} ${caller.subject}` : undefined;
}

/** For log lines: the person behind the request, when there is one. */
export function personOf(req: IncomingMessage): string | undefined {
  const caller = ((req as IncomingMessage & { auth?: AuthInfo }).auth?.extra as CallerExtra | undefined)
    ?.caller;
  return caller ? describeCaller(caller) : undefined;
}
