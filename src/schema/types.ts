// Shapes of the API viewer's `apiSchema` tree (pve-docs `extractapi.pl` → `api_dump`).
// The data comes from a remote node, so every field is optional and loosely typed: the code that
// reads it must cope with what a different PVE version (or a broken proxy) sends.
//
// The one model of PVE's schema language in this repo: the simulator's route schemas
// (simulator/route-types.ts) are narrowings of these types, so both sides speak of the same fields.
// This module imports nothing, so product and simulator can both build on it.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE'];

/** Perl booleans arrive as 0/1, sometimes as strings or JSON booleans. */
export type PerlBool = 0 | 1 | boolean | string;

export interface PropertySchema {
  type?: string | string[];
  description?: string;
  verbose_description?: string;
  typetext?: string;
  title?: string;
  optional?: PerlBool;
  /** A named validator (`pve-node`, `pve-configid-list`) or an inline property-string schema. */
  format?: string | Record<string, PropertySchema>;
  format_description?: string;
  default?: unknown;
  enum?: ReadonlyArray<string | number>;
  pattern?: string;
  minimum?: number | string;
  maximum?: number | string;
  minLength?: number;
  maxLength?: number;
  items?: PropertySchema;
  properties?: Record<string, PropertySchema>;
  additionalProperties?: PerlBool | PropertySchema;
  default_key?: PerlBool;
  alias?: string;
  keyAlias?: string;
  group?: string;
  requires?: string | PropertySchema;
  oneOf?: PropertySchema[];
  'type-property'?: string;
  'instance-types'?: string[];
  [extra: string]: unknown;
}

export interface ParameterSchema {
  type?: string;
  additionalProperties?: PerlBool | PropertySchema;
  properties?: Record<string, PropertySchema>;
  [extra: string]: unknown;
}

/** `["perm", path, [privs], "any", 1]`, `["or", …]`, `["userid-group", [privs]]` … */
export type PermissionCheck = Array<unknown>;

export interface Permissions {
  check?: PermissionCheck;
  user?: string;
  description?: string;
  [extra: string]: unknown;
}

export interface ReturnSchema extends PropertySchema {
  links?: unknown;
}

export interface ApiMethodInfo {
  name?: string;
  method?: string;
  description?: string;
  parameters?: ParameterSchema;
  returns?: ReturnSchema;
  permissions?: Permissions;
  proxyto?: string;
  protected?: PerlBool;
  allowtoken?: PerlBool;
  download_allowed?: PerlBool;
  expose_credentials?: PerlBool;
  [extra: string]: unknown;
}

export interface ApiTreeNode {
  path: string;
  text?: string;
  leaf?: PerlBool;
  info?: Partial<Record<string, ApiMethodInfo>>;
  children?: ApiTreeNode[];
}

/** Perl truthiness: undef, '', '0' and 0 are false. Schema flags (`optional`, `default_key`) use it. */
export function perlTrue(value: unknown): boolean {
  return (
    value !== undefined && value !== null && value !== false && value !== 0 && value !== '0' && value !== ''
  );
}
