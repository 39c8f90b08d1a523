import { checkObject, type CheckContext } from './check-prop.js';
import { coerceValue, type Encoding } from './coerce.js';
import type { ApiMethodInfo, PropertySchema } from './types.js';

// Pre-flight validation of one API call, mirroring what PVE's RESTHandler does before running a
// handler: merge path variables with the parameters, then PVE::JSONSchema::validate. A call that
// passes here can still fail in PVE (handler-level checks, permissions); a call that fails here
// would have failed with the same per-parameter message.

export type ParamValue = string | number | boolean | ParamValue[] | { [key: string]: ParamValue };

export interface ValidationResult {
  ok: boolean;
  /** PVE's `errors` shape: parameter (dotted for property-string keys) → message. */
  errors: Record<string, string>;
  /** The parameters to send (coerced), without path variables. */
  params: Record<string, ParamValue>;
  /** What was rewritten, e.g. "full: true → 1". */
  coercions: string[];
  /** Checks the schema asked for but this library could not make (unknown format, Perl regex). */
  unchecked: string[];
}

/**
 * Highest index of the collapsed `name[n]` parameters. The schema dump hides it (api_clone_schema
 * renames net0..net31 to net[n]); these are qemu-server's limits. pve-container uses the same for
 * `net` and `unused`. Names not listed accept any index: better to let PVE judge than to guess.
 */
export const INDEX_LIMITS: Readonly<Record<string, number>> = {
  net: 31,
  ide: 3,
  sata: 5,
  scsi: 30,
  virtio: 15,
  unused: 255,
  serial: 3,
  parallel: 2,
  numa: 7,
  virtiofs: 9,
};

/** The schema entry for a parameter name, resolving `scsi2` to `scsi[n]` within the index limits. */
export function resolveProperty(
  props: Record<string, PropertySchema>,
  name: string,
): { schema: PropertySchema; collapsed?: string } | undefined {
  // `net[n]` is the dump's placeholder, not a parameter PVE knows.
  if (name.endsWith('[n]')) return undefined;
  if (Object.hasOwn(props, name)) return { schema: props[name]! };
  const m = /^(.*?)(0|[1-9]\d*)$/.exec(name);
  if (!m) return undefined;
  const [, base, index] = m as unknown as [string, string, string];
  const collapsed = `${base}[n]`;
  const schema = Object.hasOwn(props, collapsed) ? props[collapsed] : undefined;
  if (!schema) return undefined;
  const limit = INDEX_LIMITS[base];
  if (limit !== undefined && Number(index) > limit) return undefined;
  return { schema, collapsed };
}

export function validateParams(
  info: ApiMethodInfo,
  pathParams: Record<string, string>,
  params: Record<string, unknown>,
  encoding: Encoding,
): ValidationResult {
  const schema = info.parameters ?? {};
  const props = schema.properties ?? {};
  const ctx: CheckContext = { errors: {}, skipped: new Set(), encoding };
  const coercions: string[] = [];
  const out: Record<string, ParamValue> = {};
  const merged: Record<string, unknown> = { ...pathParams };

  for (const [name, raw] of Object.entries(params)) {
    if (raw === undefined) continue;
    if (raw === null) {
      coercions.push(`${name}: null → omitted`);
      continue;
    }
    if (Object.hasOwn(pathParams, name)) {
      if (String(raw) === pathParams[name]) coercions.push(`${name}: already in the path, not sent again`);
      else ctx.errors[name] = 'duplicate parameter (already defined in URI) with conflicting values!';
      continue;
    }
    const entry = resolveProperty(props, name);
    const { value, note } = entry
      ? coerceValue(name, raw, entry.schema, encoding)
      : { value: raw, note: undefined };
    if (note) coercions.push(note);
    merged[name] = value;
    out[name] = value as ParamValue;
  }

  // A method without `properties` and without `additionalProperties` is not checked by PVE at all.
  if (schema.properties !== undefined || schema.additionalProperties !== undefined) {
    // A path variable the dump forgot to list (seen on Rust-backed 9.2 SDN paths) is not the
    // caller's mistake: accept it unchecked rather than call it an unknown parameter.
    const lookup = (k: string): PropertySchema | undefined =>
      resolveProperty(props, k)?.schema ?? (Object.hasOwn(pathParams, k) ? {} : undefined);
    checkObject('', props, merged, schema.additionalProperties, ctx, lookup);
  }
  return {
    ok: Object.keys(ctx.errors).length === 0,
    errors: ctx.errors,
    params: out,
    coercions,
    unchecked: [...ctx.skipped],
  };
}
