/**
 * Parameter encoding the way PVE reads it: GET/DELETE parameters in the query string (a body there is
 * refused with 501), POST/PUT as form-urlencoded (default) or JSON. In form and query, booleans must
 * be 0/1 — PVE rejects `true` with "type check ('boolean') failed".
 */
export type ParamValue =
  string | number | boolean | null | undefined | ParamValue[] | { [k: string]: unknown };
export type Params = Record<string, unknown>;

export function toFormPairs(params: Params | undefined): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value === undefined || value === null) continue;
    // Repeated keys become arrays on the PVE side (a=1&a=2); -list formats accept them.
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) pairs.push([key, scalar(v)]);
  }
  return pairs;
}

function scalar(v: unknown): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  // The client refuses parameters that are not flat before anything is encoded (flat-params.ts);
  // reaching here with a structure is a bug, and stringifying it could overflow on a deep one.
  throw new TypeError(
    `cannot encode a ${Array.isArray(v) ? 'nested list' : typeof v} as a PVE parameter value`,
  );
}

export function encodeQuery(params: Params | undefined): string {
  const pairs = toFormPairs(params);
  return pairs.length ? '?' + new URLSearchParams(pairs).toString() : '';
}

export function encodeBody(
  params: Params | undefined,
  encoding: 'form' | 'json',
): { body: string; contentType: string } | undefined {
  const entries = Object.entries(params ?? {}).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return undefined;
  if (encoding === 'json') {
    return { body: JSON.stringify(Object.fromEntries(entries)), contentType: 'application/json' };
  }
  return {
    body: new URLSearchParams(toFormPairs(params)).toString(),
    contentType: 'application/x-www-form-urlencoded',
  };
}
