import type { Caller } from './caller.js';

/** Claims tried, in order, for a readable name when MCP_OAUTH_NAME_CLAIM does not name one. */
const NAME_CLAIMS = ['email', 'preferred_username', 'name'];

/**
 * The person a verified token (or an introspection answer) describes. Only string and string-list
 * claims are kept, as lists, since that is all role mapping reads; `scope` (a space-separated string)
 * becomes its words. Returns undefined when there is no `sub`: nobody to write in the audit.
 */
export function callerFromClaims(
  payload: Record<string, unknown>,
  issuer: string,
  nameClaim: string | undefined,
): Caller | undefined {
  const subject = typeof payload.sub === 'string' && payload.sub ? payload.sub : undefined;
  if (!subject) return undefined;
  const claims: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(payload)) {
    const values = stringsOf(key, value);
    if (values) claims[key] = values;
  }
  const name = (nameClaim ? [nameClaim] : NAME_CLAIMS)
    .map((c) => payload[c])
    .find((v): v is string => typeof v === 'string' && v.trim() !== '');
  return { subject, ...(name ? { name } : {}), issuer, claims, scopes: scopesOf(payload) };
}

/** `scope` (RFC 9068, space-separated) or `scp` (Entra ID, Okta: a list or a string). */
export function scopesOf(payload: Record<string, unknown>): string[] {
  const found = new Set<string>();
  for (const key of ['scope', 'scp']) for (const s of stringsOf('scope', payload[key]) ?? []) found.add(s);
  return [...found];
}

function stringsOf(key: string, value: unknown): string[] | undefined {
  if (typeof value === 'string')
    return key === 'scope' || key === 'scp' ? value.split(/\s+/).filter(Boolean) : [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}
