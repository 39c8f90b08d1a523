/**
 * Why a request's credentials were not accepted, in the terms RFC 6750 gives a client: the HTTP
 * status, the `error` code of the WWW-Authenticate challenge and a description meant for the person
 * who has to fix it. A description never contains the token.
 */
export interface TokenProblem {
  /** 401: no or bad token; 403: a good token without the scopes needed; 503: cannot check right now. */
  status: 401 | 403 | 503;
  error?: 'invalid_token' | 'insufficient_scope' | 'invalid_request';
  description: string;
  /**
   * The token was good and has run out: the normal reason a client refreshes, so it never counts
   * towards the limit on refused tokens (src/transports/http/refused-tokens.ts).
   */
  expired?: true;
}

export class TokenRefused extends Error {
  constructor(readonly problem: TokenProblem) {
    super(problem.description);
    this.name = 'TokenRefused';
  }
}

export const invalidToken = (description: string): TokenRefused =>
  new TokenRefused({ status: 401, error: 'invalid_token', description });

export const expiredToken = (description: string): TokenRefused =>
  new TokenRefused({ status: 401, error: 'invalid_token', description, expired: true });

export const cannotCheck = (description: string): TokenRefused =>
  new TokenRefused({ status: 503, description });
