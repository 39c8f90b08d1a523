import { cutText } from '../clip.js';
import { nestsDeeperThan } from '../proxmox/answer-depth.js';
import { isSensitiveName } from '../safety/sensitive-params.js';
import { isInteger, isNumber } from './check-prop.js';
import { parseBoolean, toPropertyString } from './property-string.js';
import type { PropertySchema } from './types.js';

// Safe coercions: rewrites of a value whose meaning is unambiguous but whose form PVE would
// reject or that an encoder would mangle (`true` for a boolean goes out as "true" in a form body
// and fails with "type check ('boolean') failed - got 'true'"). Each one is reported, so the model
// learns the API's real shape; anything not on this list is left for validation to judge.

export type Encoding = 'form' | 'json';

export interface Coerced {
  value: unknown;
  note?: string;
}

/** A value quoted in a note or error: bounded in depth (never walks a deep structure) and in length. */
export function show(value: unknown): string {
  if (nestsDeeperThan(value, 2)) return Array.isArray(value) ? '[a nested list]' : '[a nested object]';
  const s = typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
  // Redacted before the cut (clip.ts): a cut never keeps a piece of a known secret.
  const c = cutText(s, 57);
  return c.cut ? `${c.text}…` : c.text;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function scalarType(schema: PropertySchema): string | undefined {
  return typeof schema.type === 'string' ? schema.type : undefined;
}

function coerceScalar(value: unknown, schema: PropertySchema, encoding: Encoding): unknown {
  const type = scalarType(schema);
  if (type === 'boolean') {
    if (typeof value === 'boolean') return encoding === 'json' ? value : value ? 1 : 0;
    if (typeof value === 'string') return parseBoolean(value.trim()) ?? value;
    return value;
  }
  if ((type === 'integer' || type === 'number') && typeof value === 'string') {
    const ok = type === 'integer' ? isInteger(value) : isNumber(value);
    const n = Number(value);
    // Beyond 2^53 a JS number would silently change the value: keep the string, PVE reads it fine.
    if (ok && Number.isFinite(n) && (type === 'number' || Number.isSafeInteger(n))) return n;
    return value;
  }
  if (type === 'string') {
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    // A form body carries a JS boolean as its string; make that explicit instead of implicit.
    if (typeof value === 'boolean' && encoding === 'form') return String(value);
    const format = schema.format;
    if (Array.isArray(value) && typeof format === 'string' && format.endsWith('-list')) {
      // PVE itself joins arrays for '-list' formats ($normalize_legacy_param_formats).
      if (value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.join(',');
    }
    if (isPlainObject(value) && isPlainObject(format)) return toPropertyString(value) ?? value;
  }
  return value;
}

/** Coerces one top-level parameter value against its schema entry. */
export function coerceValue(
  name: string,
  value: unknown,
  schema: PropertySchema,
  encoding: Encoding,
): Coerced {
  let out: unknown;
  if (scalarType(schema) === 'array' && (Array.isArray(value) || typeof value !== 'object')) {
    // PVE wraps a scalar for array parameters itself, but calls that deprecated (removal in 10.x).
    const list = Array.isArray(value) ? value : [value];
    const items = isPlainObject(schema.items) ? schema.items : undefined;
    out = items ? list.map((v) => coerceScalar(v, items, encoding)) : list;
    if (Array.isArray(value) && (out as unknown[]).every((v, i) => v === value[i])) out = value;
  } else {
    out = coerceScalar(value, schema, encoding);
  }
  if (out === value) return { value };
  // A secret's value is never quoted back (redact-params.ts has the same rule): only its type.
  if (isSensitiveName(name))
    return { value: out, note: `${name}: a ${typeof value} → a ${typeof out} (value not shown)` };
  return { value: out, note: `${name}: ${show(value)} → ${show(out)}` };
}
