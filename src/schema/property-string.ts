import { perlTrue, type PropertySchema } from './types.js';

// PVE's "property strings" (`net0: virtio=AA:BB:…,bridge=vmbr0,firewall=1`): a string parameter
// whose `format` is an inline schema. This is parse_property_string from PVE::JSONSchema, including
// its die messages, `default_key` (a bare value), `alias`/`keyAlias` (`virtio=MAC` means
// `model=virtio,macaddr=MAC`) and the lenient booleans (yes/no/on/off/true/false).

export type PropertyStringResult =
  { ok: true; values: Record<string, string> } | { ok: false; error: string };

/** PVE::JSONSchema::parse_boolean. */
export function parseBoolean(value: string): 0 | 1 | undefined {
  if (/^(1|on|yes|true)$/i.test(value)) return 1;
  if (/^(0|off|no|false)$/i.test(value)) return 0;
  return undefined;
}

export function parsePropertyString(
  format: Record<string, PropertySchema>,
  data: string,
): PropertyStringResult {
  const values: Record<string, string> = {};
  const fail = (error: string): PropertyStringResult => ({ ok: false, error });
  let defaultKey: string | undefined;
  for (const part of data.split(',')) {
    if (/^\s*$/.test(part)) continue;
    const kv = /^([^=]+)=(.+)$/.exec(part);
    if (kv) {
      let key = kv[1]!;
      let value = kv[2]!;
      if (values[key] !== undefined) return fail(`duplicate key in comma-separated list property: ${key}`);
      let schema = Object.hasOwn(format, key) ? format[key] : undefined;
      if (schema?.alias) {
        if (schema.keyAlias) {
          if (values[schema.keyAlias] !== undefined)
            return fail(`key alias '${schema.keyAlias}' is already defined`);
          values[schema.keyAlias] = key;
        }
        key = schema.alias;
        schema = Object.hasOwn(format, key) ? format[key] : undefined;
      }
      if (!schema) return fail(`invalid key in comma-separated list property: ${key}`);
      if (schema.type === 'boolean') value = String(parseBoolean(value) ?? value);
      values[key] = value;
    } else if (!part.includes('=')) {
      if (defaultKey) return fail(`duplicate key in comma-separated list property: ${defaultKey}`);
      defaultKey = Object.keys(format).find((k) => perlTrue(format[k]?.default_key));
      if (!defaultKey) return fail('value without key, but schema does not define a default key');
      if (perlTrue(values[defaultKey]))
        return fail(`duplicate key in comma-separated list property: ${defaultKey}`);
      values[defaultKey] = part;
    } else {
      return fail('missing key in comma-separated list property');
    }
  }
  return { ok: true, values };
}

/**
 * Builds a property string from an object a model sent instead (`{model:'virtio', bridge:'vmbr0'}`).
 * Undefined when a value cannot be written unambiguously (nested data, or a `,` inside a value).
 */
export function toPropertyString(value: Record<string, unknown>): string | undefined {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'object' || /[,=]/.test(k) || k === '') return undefined;
    const s = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
    if (s.includes(',') || s === '') return undefined;
    parts.push(`${k}=${s}`);
  }
  return parts.length > 0 ? parts.join(',') : undefined;
}

export function describePropertyKeys(format: Record<string, PropertySchema>): string[] {
  return Object.entries(format)
    .filter(([, s]) => !s.alias)
    .map(([k, s]) => (perlTrue(s.default_key) ? `${k} (default key)` : k));
}
