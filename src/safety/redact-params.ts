/** Parameter names whose values never reach a log or a confirmation prompt (passwords, keys, tokens). */
const SECRET_KEY = /pass|secret|token|key/i;

/** A copy of `params` with secret-looking values replaced by "***", nested objects included. */
export function redactParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    out[k] = SECRET_KEY.test(k) ? '***' : redactValue(v);
  }
  return out;
}

function redactValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(redactValue);
  if (v && typeof v === 'object') return redactParams(v as Record<string, unknown>);
  return v;
}
