import type { ParameterSchema, PropertySchema } from '../schema/types.js';

// The simulator's side of the one PVE-schema model: what its route definitions, validator, formats
// and permission checks are written in. Its own module, importing only the product's model, so the
// validator and the permission checks need not import the route types (which import the engine).

/**
 * A property in PVE's JSON-schema dialect (PVE::JSONSchema), as found in apidoc.json. `format` is either a
 * named validator ('pve-node') or an inline object schema for property strings ('k=v,k2=v2').
 * A narrowing of the product's model (schema/types.ts): the simulator's routes are literal data in
 * this repo, so their fields have PVE's exact forms where the product must accept looser ones.
 */
export interface PveProperty extends PropertySchema {
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'null' | 'any';
  description?: string;
  verbose_description?: string;
  optional?: 0 | 1;
  default?: unknown;
  enum?: readonly string[];
  format?: string | Record<string, PveProperty>;
  format_description?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  typetext?: string;
  requires?: string;
  default_key?: 1;
  alias?: string;
  title?: string;
  renderer?: string;
  items?: PveProperty;
  properties?: Record<string, PveProperty>;
  additionalProperties?: 0 | 1;
  links?: ReadonlyArray<{ href: string; rel: string }>;
}

/** ['perm', path, privs, 'any', 1] | ['and' | 'or', ...checks], as in apidoc.json. */
export type PermCheck =
  | readonly ['perm', string, readonly string[], ...(string | number)[]]
  | readonly ['and' | 'or', ...PermCheck[]];

export interface PvePermissions {
  check?: PermCheck;
  user?: 'all' | 'world';
  description?: string;
}

export interface PveParameters extends ParameterSchema {
  additionalProperties: 0 | 1;
  properties?: Record<string, PveProperty>;
}

/** A validated parameter: integers and numbers as numbers, booleans as booleans, the rest as strings. */
export type ParamValue = string | number | boolean;
