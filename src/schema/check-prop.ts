import { checkNamedFormat, isKnownFormat } from './formats.js';
import { matchesPerlPattern } from './perl-regex.js';
import { parsePropertyString } from './property-string.js';
import { perlTrue, type PropertySchema } from './types.js';

// A port of PVE::JSONSchema::check_prop / check_type / check_object (pve-common), same order of
// checks and the same messages, so an error we report before sending reads exactly like the 400
// PVE would have answered. Where PVE's schema says something we cannot evaluate (unknown named
// formats, Perl-only regex features, oneOf variants) we record it in `skipped` and let it pass.

export interface CheckContext {
  errors: Record<string, string>;
  /** Human-readable notes about checks that were not made. */
  skipped: Set<string>;
  /** In form encoding a JS boolean travels as its string; in JSON it is a JSON::PP::Boolean. */
  encoding: 'form' | 'json';
}

export function addError(ctx: CheckContext, path: string, message: string): void {
  const key = path || '_root';
  const prev = ctx.errors[key];
  ctx.errors[key] = prev ? `${prev}\n${message}` : message;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Perl's `is_number` from JSONSchema.pm. */
export const isNumber = (s: string): boolean => /^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$/.test(s);
export const isInteger = (s: string): boolean => /^[+-]?\d+$/.test(s);

/** The Perl-side name of a JS value's reference type, as check_type prints it ("got ARRAY"). */
function refType(value: unknown, encoding: CheckContext['encoding']): string | undefined {
  if (Array.isArray(value)) return 'ARRAY';
  if (isPlainObject(value)) return 'HASH';
  if (typeof value === 'boolean' && encoding === 'json') return 'JSON::PP::Boolean';
  return undefined;
}

function checkType(path: string, type: PropertySchema['type'], value: unknown, ctx: CheckContext): boolean {
  if (!type || type === 'any') return true;
  if (Array.isArray(type)) {
    for (const t of type) {
      const trial: CheckContext = { ...ctx, errors: {} };
      if (checkType(path, t, value, trial)) return true;
    }
    addError(ctx, path, `type check ('${type.join('|')}') failed`);
    return false;
  }
  if (type === 'null') {
    addError(ctx, path, `type check ('null') failed - value is not null`);
    return false;
  }
  if (type === 'array' || type === 'object') {
    const ok = type === 'array' ? Array.isArray(value) : isPlainObject(value);
    if (!ok) addError(ctx, path, `type check ('${type}') failed`);
    return ok;
  }
  const ref = refType(value, ctx.encoding);
  if (ref) {
    if (type === 'boolean' && typeof value === 'boolean') return true;
    addError(ctx, path, `type check ('${type}') failed - got ${ref}`);
    return false;
  }
  const s = String(value);
  const ok =
    type === 'boolean'
      ? s === '1' || s === '0'
      : type === 'integer'
        ? isInteger(s)
        : type === 'number'
          ? isNumber(s)
          : true;
  if (!ok) addError(ctx, path, `type check ('${type}') failed - got '${s}'`);
  return ok;
}

export function checkProp(value: unknown, schema: PropertySchema, path: string, ctx: CheckContext): void {
  if (schema.oneOf) {
    // Variants keyed by another parameter's value ('type-property'): not judged here. PVE treats
    // such a property as optional when no variant applies, so absence is not an error either.
    if (value !== undefined && value !== null) ctx.skipped.add(`${path}: oneOf variants not checked`);
    return;
  }
  if (value === undefined || value === null) {
    if (schema.type === 'null') return;
    if (!perlTrue(schema.optional) && !schema.alias && !schema.group) {
      addError(ctx, path, 'property is missing and it is not optional');
    }
    return;
  }
  if (!checkType(path, schema.type, value, ctx)) return;
  if (Array.isArray(value)) {
    const items = schema.items;
    if (isPlainObject(items)) value.forEach((el, i) => checkProp(el, items, `${path}[${i}]`, ctx));
    return;
  }
  if (isPlainObject(value)) {
    if (schema.properties || perlTrue(schema.additionalProperties)) {
      checkObject(path, schema.properties ?? {}, value, schema.additionalProperties, ctx);
    }
    return;
  }
  checkScalar(String(value), schema, path, ctx);
}

function checkScalar(value: string, schema: PropertySchema, path: string, ctx: CheckContext): void {
  const { format, pattern, maxLength, minLength, maximum, minimum } = schema;
  if (typeof format === 'string' && format !== 'regex') {
    if (!isKnownFormat(format)) ctx.skipped.add(`${path}: format '${format}' not checked`);
    const err = checkNamedFormat(format, value);
    if (err) return addError(ctx, path, `invalid format - ${err}`);
  } else if (isPlainObject(format)) {
    const err = checkPropertyString(format, value, path, ctx);
    if (err) return addError(ctx, path, `invalid format - ${err}`);
  }
  if (pattern) {
    const ok = matchesPerlPattern(pattern, value);
    if (ok === undefined) ctx.skipped.add(`${path}: pattern not checked (Perl-only regex)`);
    if (ok === false) return addError(ctx, path, 'value does not match the regex pattern');
  }
  const length = [...value].length;
  if (maxLength !== undefined && length > maxLength) {
    return addError(ctx, path, `value may only be ${maxLength} characters long`);
  }
  if (minLength !== undefined && length < minLength) {
    return addError(ctx, path, `value must be at least ${minLength} characters long`);
  }
  if (isNumber(value)) {
    if (maximum !== undefined && Number(value) > Number(maximum)) {
      return addError(ctx, path, `value must have a maximum value of ${maximum}`);
    }
    if (minimum !== undefined && Number(value) < Number(minimum)) {
      return addError(ctx, path, `value must have a minimum value of ${minimum}`);
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => String(e) === value)) {
    addError(
      ctx,
      path,
      `value '${value}' does not have a value in the enumeration '${schema.enum.join(', ')}'`,
    );
  }
}

/**
 * parse_property_string + check_object on the parsed keys. PVE raises "format error" with the
 * sub-errors attached; its exception stringifies as "format error\nkey.sub: message\n".
 */
function checkPropertyString(
  format: Record<string, PropertySchema>,
  value: string,
  path: string,
  ctx: CheckContext,
): string | undefined {
  const parsed = parsePropertyString(format, value);
  if (!parsed.ok) return parsed.error;
  const sub: CheckContext = { ...ctx, errors: {} };
  checkObject(path, format, parsed.values, 0, sub);
  const lines = Object.entries(sub.errors).map(([k, msg]) => `${k}: ${msg}`);
  return lines.length > 0 ? ['format error', ...lines].join('\n') : undefined;
}

/**
 * check_object: required keys first (in schema order), then every given key. `lookup` lets the
 * top level resolve `net0` to the collapsed `net[n]` entry.
 */
export function checkObject(
  path: string,
  props: Record<string, PropertySchema>,
  value: Record<string, unknown>,
  additional: unknown,
  ctx: CheckContext,
  lookup: (key: string) => PropertySchema | undefined = (key) =>
    Object.hasOwn(props, key) ? props[key] : undefined,
): void {
  const join = (k: string): string => (path ? `${path}.${k}` : k);
  for (const [k, sub] of Object.entries(props)) {
    // `net[n]` is the schema dump's stand-in for net0..netN; it is never a key of its own.
    if (!k.endsWith('[n]')) checkProp(value[k], sub, join(k), ctx);
  }
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const sub = lookup(k);
    if (sub) {
      if (!Object.hasOwn(props, k)) checkProp(v, sub, join(k), ctx);
      if (typeof sub.requires === 'string' && value[sub.requires] === undefined) {
        addError(ctx, join(sub.requires), `missing property - '${join(k)}' requires this property`);
      }
      continue;
    }
    if (additional !== undefined && !perlTrue(additional)) {
      addError(
        ctx,
        join(k),
        'property is not defined in schema and the schema does not allow additional properties',
      );
    } else if (isPlainObject(additional)) {
      checkProp(v, additional, join(k), ctx);
    }
  }
}
