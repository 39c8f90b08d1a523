import { paramError } from './errors.js';
import { checkFormat } from './formats.js';
import type { ParamValue, PveParameters, PveProperty } from './schema-types.js';

/**
 * Request parameter validation with PVE::JSONSchema semantics (validate → check_object → check_prop →
 * check_type), producing the same messages, so a client tested here handles the real 400s.
 */

/** A parameter as it arrived: strings from query/form (arrays for repeated keys) or any JSON value. */
export type RawValue = string | number | boolean | null | RawValue[] | { [key: string]: RawValue };

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** PVE joins repeated messages for one key with a literal backslash-n (single-quoted '\n' in Perl). */
function addError(errors: Record<string, string>, path: string, msg: string): void {
  const prev = errors[path];
  errors[path] = prev === undefined ? msg : `${prev}\\n${msg}`;
}

/** net0 → net[n]: the schema collapses indexed properties (RESTHandler api_clone_schema). */
export function lookupProperty(props: Record<string, PveProperty>, name: string): PveProperty | undefined {
  if (Object.hasOwn(props, name)) return props[name];
  const indexed = /^(.*\D)\d+$/.exec(name);
  return indexed ? props[`${indexed[1]}[n]`] : undefined;
}

/** What Perl's ref() would call a non-scalar, for "type check ... got ARRAY" messages. */
function perlRef(value: RawValue): string | undefined {
  if (Array.isArray(value)) return 'ARRAY';
  if (value !== null && typeof value === 'object') return 'HASH';
  if (typeof value === 'boolean') return 'JSON::PP::Boolean';
  return undefined;
}

/** check_type; returns false when the value has the wrong type (and records why). */
function checkType(
  path: string,
  type: string | undefined,
  value: RawValue,
  errors: Record<string, string>,
): boolean {
  if (!type || type === 'any') return true;
  const ref = perlRef(value);
  if (type === 'array') {
    if (ref === 'ARRAY') return true;
    addError(errors, path, `type check ('array') failed - got ${ref ?? `'${String(value)}'`}`);
    return false;
  }
  if (type === 'object') {
    if (ref === 'HASH') return true;
    addError(errors, path, `type check ('object') failed - got ${ref ?? `'${String(value)}'`}`);
    return false;
  }
  if (type === 'boolean' && ref === 'JSON::PP::Boolean') return true;
  if (ref) {
    addError(errors, path, `type check ('${type}') failed - got ${ref}`);
    return false;
  }
  const text = String(value);
  const ok =
    type === 'integer'
      ? INTEGER.test(text)
      : type === 'number'
        ? NUMBER.test(text)
        : type === 'boolean'
          ? text === '0' || text === '1'
          : true;
  if (!ok) addError(errors, path, `type check ('${type}') failed - got '${text}'`);
  return ok;
}

/**
 * Perl regexes from the schema, made usable in JavaScript; undefined when they cannot be. Anchored
 * as PVE does, m/^$pattern$/, without a group: a top-level `a|b` means `^a` or `b$` there too.
 */
function compilePattern(pattern: string): RegExp | undefined {
  try {
    return new RegExp(`^${pattern.replace(/\(\?\^:/g, '(?:')}$`);
  } catch {
    return undefined;
  }
}

/** check_prop for one present value. Records errors; returns nothing useful on purpose. */
export function checkProp(
  value: RawValue,
  schema: PveProperty,
  path: string,
  errors: Record<string, string>,
): void {
  if (!checkType(path, schema.type, value, errors)) return;
  if (perlRef(value) && perlRef(value) !== 'JSON::PP::Boolean') return;
  const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);

  if (schema.format !== undefined) {
    const err = checkFormat(schema.format, text, path, checkProp);
    if (err) {
      addError(errors, path, `invalid format - ${err}`);
      return;
    }
  }
  if (schema.pattern !== undefined && compilePattern(schema.pattern)?.test(text) === false) {
    addError(errors, path, 'value does not match the regex pattern');
    return;
  }
  if (schema.maxLength !== undefined && text.length > schema.maxLength) {
    addError(errors, path, `value may only be ${schema.maxLength} characters long`);
    return;
  }
  if (schema.minLength !== undefined && text.length < schema.minLength) {
    addError(errors, path, `value must be at least ${schema.minLength} characters long`);
    return;
  }
  if (NUMBER.test(text)) {
    if (schema.maximum !== undefined && Number(text) > schema.maximum) {
      addError(errors, path, `value must have a maximum value of ${schema.maximum}`);
      return;
    }
    if (schema.minimum !== undefined && Number(text) < schema.minimum) {
      addError(errors, path, `value must have a minimum value of ${schema.minimum}`);
      return;
    }
  }
  if (schema.enum && !schema.enum.includes(text)) {
    addError(
      errors,
      path,
      `value '${text}' does not have a value in the enumeration '${schema.enum.join(', ')}'`,
    );
  }
}

/** RESTHandler's legacy normalisation: '*-list' formats take arrays (joined), 'array' takes scalars. */
function normalize(schema: PveProperty, value: RawValue): RawValue {
  if (Array.isArray(value) && typeof schema.format === 'string' && schema.format.endsWith('-list')) {
    return value.map(String).join(',');
  }
  if (schema.type === 'array' && !Array.isArray(value)) return [value];
  return value;
}

function coerce(schema: PveProperty, value: RawValue): ParamValue {
  if (schema.type === 'integer' || schema.type === 'number') return Number(value);
  if (schema.type === 'boolean') return value === true || String(value) === '1';
  // An 'array' parameter keeps its elements apart (agent exec's command), joined with NUL, which no
  // argument can hold (argv strings are C strings); the agent exec route splits them again.
  if (schema.type === 'array' && Array.isArray(value)) return value.map(String).join('\0');
  if (Array.isArray(value)) return value.map(String).join(',');
  return String(value);
}

/** Validates merged request parameters; throws 400 with every error found, else returns typed values. */
export function validateParams(
  schema: PveParameters,
  raw: Record<string, RawValue>,
): Record<string, ParamValue> {
  const props = schema.properties ?? {};
  const errors: Record<string, string> = {};
  const out: Record<string, ParamValue> = {};
  const present = (name: string): boolean => raw[name] !== undefined && raw[name] !== null;

  for (const [name, prop] of Object.entries(props)) {
    if (name.endsWith('[n]') || present(name)) continue;
    if (!prop.optional) addError(errors, name, 'property is missing and it is not optional');
  }
  for (const [name, value] of Object.entries(raw)) {
    if (value === null) continue;
    const prop = lookupProperty(props, name);
    if (!prop) {
      if (!schema.additionalProperties) {
        addError(
          errors,
          name,
          'property is not defined in schema and the schema does not allow additional properties',
        );
      } else {
        out[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
      }
      continue;
    }
    const normalized = normalize(prop, value);
    const own: Record<string, string> = {};
    checkProp(normalized, prop, name, own);
    for (const [path, msg] of Object.entries(own)) addError(errors, path, msg);
    if (prop.requires && !present(prop.requires)) {
      addError(errors, prop.requires, `missing property - '${name}' requires this property`);
    }
    if (Object.keys(own).length === 0) out[name] = coerce(prop, normalized);
  }
  if (Object.keys(errors).length > 0) throw paramError(errors);
  return out;
}
