import {
  createRemoteJWKSet,
  customFetch,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { AuthServerFetchError, boundedFetch } from './bounded-fetch.js';
import { cannotCheck, expiredToken, invalidToken, TokenRefused } from './token-problem.js';

const MAX_JWKS_BYTES = 256 * 1024;
/** Access tokens in RFC 9068 form (`at+jwt`) and the plain `JWT` most servers still put in `typ`. */
const ACCEPTED_TYP = ['at+jwt', 'application/at+jwt', 'jwt'];

export interface JwtCheck {
  issuer: string;
  audience: string[];
  algorithms: string[];
  clockSkewSeconds: number;
}

/** A three-part compact JWS is a JWT to check; anything else is an opaque token (introspection). */
export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);
}

/**
 * The issuer's published keys, fetched on first use and kept; a token signed with a `kid` not in the
 * set makes jose fetch it again (rotation), at most once per cooldown, so tokens with made-up key ids
 * cannot make us hammer the issuer.
 */
export function remoteKeySet(
  jwksUri: string,
  opts: { timeoutMs: number; cooldownMs: number },
): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(jwksUri), {
    timeoutDuration: opts.timeoutMs,
    cooldownDuration: opts.cooldownMs,
    cacheMaxAge: 10 * 60_000,
    [customFetch]: (url: string, init: RequestInit) =>
      boundedFetch(url, { timeoutMs: opts.timeoutMs, maxBytes: MAX_JWKS_BYTES, init }),
  });
}

/** Verifies signature, issuer, audience, time and algorithm; every failure is a TokenRefused. */
export async function verifyJwt(token: string, keys: JWTVerifyGetKey, check: JwtCheck): Promise<JWTPayload> {
  let typ: unknown;
  try {
    typ = decodeProtectedHeader(token).typ;
  } catch {
    throw invalidToken('the token is not a well-formed JWT');
  }
  if (typ !== undefined && (typeof typ !== 'string' || !ACCEPTED_TYP.includes(typ.toLowerCase())))
    throw invalidToken(`the token's type (typ) is "${String(typ)}", not an access token (at+jwt or JWT)`);
  try {
    const { payload } = await jwtVerify(token, keys, {
      issuer: check.issuer,
      audience: check.audience,
      algorithms: check.algorithms,
      clockTolerance: check.clockSkewSeconds,
      requiredClaims: ['exp', 'sub'],
    });
    return payload;
  } catch (err) {
    throw explain(err, check);
  }
}

/** A claim value quoted in a refusal: JSON (one line), cut short, since the token's sender chose it. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value ?? null);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** What went wrong, said so the person holding the token knows what to change. */
function explain(err: unknown, check: JwtCheck): TokenRefused {
  if (err instanceof TokenRefused) return err;
  if (err instanceof AuthServerFetchError)
    return cannotCheck(`cannot fetch the authorization server's signing keys: ${err.message}`);
  if (err instanceof errors.JWTExpired) {
    const exp = (err.payload as JWTPayload).exp;
    return expiredToken(
      `the token expired${typeof exp === 'number' ? ` at ${new Date(exp * 1000).toISOString()}` : ''}; get a new one (refresh)`,
    );
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    const payload = err.payload as JWTPayload;
    switch (err.claim) {
      case 'aud':
        return invalidToken(
          `the token's audience ${shown(payload.aud)} is not this server; request a token for ` +
            `${check.audience.map((a) => `"${a}"`).join(' or ')} (resource indicator)`,
        );
      case 'iss':
        return invalidToken(
          `the token was issued by ${shown(payload.iss)}; this server trusts only "${check.issuer}"`,
        );
      case 'nbf':
        return invalidToken('the token is not valid yet (nbf is in the future); check the clocks');
      case 'iat':
        return invalidToken('the token was issued in the future (iat); check the clocks');
      default:
        return invalidToken(
          `the token's "${err.claim}" claim is ${err.reason === 'missing' ? 'missing' : 'invalid'}`,
        );
    }
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported)
    return invalidToken(
      `the token's signing algorithm is not accepted (accepted: ${check.algorithms.join(', ')})`,
    );
  if (err instanceof errors.JWKSNoMatchingKey)
    return invalidToken(
      'the token was signed with a key the authorization server does not publish (unknown kid)',
    );
  if (err instanceof errors.JWKSMultipleMatchingKeys)
    return invalidToken("the token names no key id (kid) and several of the issuer's keys could match");
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return invalidToken("the token's signature does not verify with the authorization server's keys");
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid)
    return cannotCheck(`the authorization server's signing keys could not be loaded (${err.message})`);
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid)
    return invalidToken(`the token is not a valid JWT (${err.message})`);
  if (err instanceof errors.JOSEError)
    return cannotCheck(`the authorization server's signing keys could not be used (${err.message})`);
  throw err;
}
