import type { PveProperty } from './schema-types.js';

/**
 * PVE's named formats (PVE::JSONSchema::register_format) and property strings, for the subset of formats
 * the simulator's routes use. Each check returns the error detail (with PVE's trailing newline) or
 * undefined; unknown named formats are accepted, as a schema-driven client should not be stricter than PVE.
 */
type FormatCheck = (value: string) => string | undefined;

const DNS_LABEL = '[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?';
const TAG = /^[a-z0-9_][a-z0-9_\-+.]*$/i;

const NAMED: Record<string, FormatCheck> = {
  'pve-node': (v) =>
    /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(v)
      ? undefined
      : 'value does not look like a valid node name\n',
  'pve-vmid': (v) => (/^[1-9][0-9]{2,8}$/.test(v) ? undefined : 'value does not look like a valid VM ID\n'),
  'pve-configid': (v) => (/^[a-z][a-z0-9_-]+$/i.test(v) ? undefined : `invalid configuration ID '${v}'\n`),
  'pve-storage-id': (v) =>
    /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i.test(v) ? undefined : `storage ID '${v}' contains illegal characters\n`,
  // verify_poolname (pve-access-control): nested pools (PVE 8.1+) join ids with '/'.
  'pve-poolid': (v) =>
    /^[A-Za-z0-9.\-_]+(\/[A-Za-z0-9.\-_]+)*$/.test(v)
      ? undefined
      : `pool name '${v}' contains invalid characters\n`,
  'dns-name': (v) =>
    new RegExp(`^(${DNS_LABEL}\\.)*${DNS_LABEL}$`).test(v)
      ? undefined
      : 'value does not look like a valid DNS name\n',
  // pve_verify_urlencoded: sshkeys must arrive percent-encoded (encodeURIComponent), spaces and all.
  urlencoded: (v) => (/^[-%a-zA-Z0-9_.!~*'()]*$/.test(v) ? undefined : `invalid urlencoded string: ${v}\n`),
  'pve-tag-list': (v) => {
    const bad = splitList(v).find((tag) => !TAG.test(tag));
    return bad === undefined ? undefined : `invalid characters in tag '${bad}'\n`;
  },
};

/** PVE::Tools::split_list: separators are commas, semicolons, NULs and whitespace. */
export function splitList(value: string): string[] {
  return value.split(/[\0,;\s]+/).filter((s) => s.length > 0);
}

/** parse_boolean, as used inside property strings. */
export function parseBoolean(value: string): boolean | undefined {
  if (/^(1|on|yes|true)$/i.test(value)) return true;
  if (/^(0|off|no|false)$/i.test(value)) return false;
  return undefined;
}

/** Checks a string against a named or inline (property string) format; `path` names nested errors. */
export function checkFormat(
  format: string | Record<string, PveProperty>,
  value: string,
  path: string,
  checkNested: (value: string, schema: PveProperty, path: string, errors: Record<string, string>) => void,
): string | undefined {
  if (typeof format !== 'string') return checkPropertyString(format, value, path, checkNested);
  const list = /^(.*)-list$/.exec(format);
  const base = list?.[1];
  if (base !== undefined && NAMED[base]) {
    for (const item of splitList(value)) {
      const err = NAMED[base](item);
      if (err) return err;
    }
    return undefined;
  }
  return NAMED[format]?.(value);
}

/** parse_property_string followed by check_object on the parsed hash. */
function checkPropertyString(
  format: Record<string, PveProperty>,
  value: string,
  path: string,
  checkNested: (value: string, schema: PveProperty, path: string, errors: Record<string, string>) => void,
): string | undefined {
  const defaultKey = Object.keys(format).find((k) => format[k]?.default_key);
  const parsed: Record<string, string> = {};
  for (const part of value.split(',')) {
    if (/^\s*$/.test(part)) continue;
    const kv = /^([^=]+)=(.+)$/.exec(part);
    if (kv) {
      let key = kv[1] ?? '';
      let schema = format[key];
      if (schema?.alias) {
        key = schema.alias;
        schema = format[key];
      }
      if (parsed[key] !== undefined) return `duplicate key in comma-separated list property: ${key}\n`;
      if (!schema) return `invalid key in comma-separated list property: ${key}\n`;
      const raw = kv[2] ?? '';
      const bool = schema.type === 'boolean' ? parseBoolean(raw) : undefined;
      parsed[key] = bool === undefined ? raw : bool ? '1' : '0';
    } else if (!part.includes('=')) {
      if (!defaultKey) return 'value without key, but schema does not define a default key\n';
      if (parsed[defaultKey] !== undefined) {
        return `duplicate key in comma-separated list property: ${defaultKey}\n`;
      }
      parsed[defaultKey] = part;
    } else {
      return 'missing key in comma-separated list property\n';
    }
  }
  const errors: Record<string, string> = {};
  for (const [key, schema] of Object.entries(format)) {
    if (schema.alias) continue;
    const sub = parsed[key];
    if (sub === undefined) {
      if (!schema.optional) errors[`${path}.${key}`] = 'property is missing and it is not optional';
      continue;
    }
    checkNested(sub, schema, `${path}.${key}`, errors);
  }
  const keys = Object.keys(errors).sort();
  if (keys.length === 0) return undefined;
  return 'format error\n' + keys.map((k) => `${k}: ${errors[k]}\n`).join('');
}

/** Reads one key of a property string value ('4096' or 'current=4096' → current). */
export function propertyStringKey(
  format: Record<string, PveProperty>,
  value: string | number | undefined,
  key: string,
): string | undefined {
  if (value === undefined) return undefined;
  const defaultKey = Object.keys(format).find((k) => format[k]?.default_key);
  for (const part of String(value).split(',')) {
    const kv = /^([^=]+)=(.*)$/.exec(part);
    const k = kv ? (format[kv[1] ?? '']?.alias ?? kv[1]) : defaultKey;
    if (k === key) return kv ? kv[2] : part;
  }
  return undefined;
}
