import { createHash } from 'node:crypto';
import { AuthServerFetchError, fetchJson } from './bounded-fetch.js';
import { shown } from './jwt-verifier.js';
import { cannotCheck, expiredToken, invalidToken } from './token-problem.js';

const MAX_ANSWER_BYTES = 64 * 1024;
/** A revoked token stays accepted at most this long after the authorization server stops vouching. */
const MAX_CACHE_MS = 60_000;
const MAX_CACHE_ENTRIES = 1_000;

export interface IntrospectionCheck {
  endpoint: string;
  clientId: string;
  clientSecret: string;
  issuer: string;
  audience: string[];
  clockSkewSeconds: number;
  timeoutMs: number;
}

/**
 * RFC 7662 introspection of opaque (non-JWT) access tokens, with a small cache so a session's every
 * request does not cost a round trip. The cache is keyed by a hash of the token, never the token, and
 * an entry lives no longer than the token itself (nor than a minute).
 */
export class Introspector {
  private readonly cache = new Map<string, { claims: Record<string, unknown>; until: number }>();

  constructor(
    private readonly check: IntrospectionCheck,
    private readonly now: () => number = Date.now,
  ) {}

  async introspect(token: string): Promise<Record<string, unknown>> {
    const key = createHash('sha256').update(token).digest('base64url');
    const hit = this.cache.get(key);
    if (hit && hit.until > this.now()) return hit.claims;
    this.cache.delete(key);
    const claims = this.judge(await this.ask(token));
    const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : Infinity;
    const until = Math.min(exp, this.now() + MAX_CACHE_MS);
    if (this.cache.size >= MAX_CACHE_ENTRIES) this.evict();
    this.cache.set(key, { claims, until });
    return claims;
  }

  private async ask(token: string): Promise<Record<string, unknown>> {
    const c = this.check;
    const basic = Buffer.from(
      `${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`,
    ).toString('base64');
    let answer: unknown;
    try {
      answer = await fetchJson(c.endpoint, {
        timeoutMs: c.timeoutMs,
        maxBytes: MAX_ANSWER_BYTES,
        init: {
          method: 'POST',
          headers: {
            authorization: `Basic ${basic}`,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        },
      });
    } catch (err) {
      if (err instanceof AuthServerFetchError)
        throw cannotCheck(`the token introspection endpoint cannot be used: ${err.message}`);
      throw err;
    }
    if (!answer || typeof answer !== 'object' || Array.isArray(answer))
      throw cannotCheck(`the token introspection endpoint ${c.endpoint} did not answer a JSON object`);
    return answer as Record<string, unknown>;
  }

  /** The same checks a JWT gets: active, issuer, audience, expiry. */
  private judge(a: Record<string, unknown>): Record<string, unknown> {
    const c = this.check;
    if (a.active !== true)
      throw invalidToken(
        'the authorization server says the token is not active (expired, revoked or unknown)',
      );
    const nowSeconds = this.now() / 1000;
    if (typeof a.exp === 'number' && a.exp + c.clockSkewSeconds < nowSeconds)
      throw expiredToken(
        `the token expired at ${new Date(a.exp * 1000).toISOString()}; get a new one (refresh)`,
      );
    if (typeof a.nbf === 'number' && a.nbf - c.clockSkewSeconds > nowSeconds)
      throw invalidToken('the token is not valid yet (nbf is in the future); check the clocks');
    if (a.iss !== undefined && a.iss !== c.issuer)
      throw invalidToken(`the token was issued by ${shown(a.iss)}; this server trusts only "${c.issuer}"`);
    const aud = typeof a.aud === 'string' ? [a.aud] : Array.isArray(a.aud) ? a.aud : [];
    if (!aud.some((v) => typeof v === 'string' && c.audience.includes(v)))
      throw invalidToken(
        `the token's audience ${shown(a.aud)} is not this server; request a token for ` +
          `${c.audience.map((v) => `"${v}"`).join(' or ')} (resource indicator)`,
      );
    if (typeof a.sub !== 'string' || !a.sub)
      throw invalidToken('the authorization server names no subject (sub) for the token');
    return a;
  }

  private evict(): void {
    const now = this.now();
    for (const [k, v] of this.cache) if (v.until <= now) this.cache.delete(k);
    // Still full: drop the oldest half (Map keeps insertion order).
    if (this.cache.size >= MAX_CACHE_ENTRIES)
      for (const k of [...this.cache.keys()].slice(0, MAX_CACHE_ENTRIES / 2)) this.cache.delete(k);
  }
}
