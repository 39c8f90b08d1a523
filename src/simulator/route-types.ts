import type { HttpMethod, ParameterSchema, PropertySchema } from '../schema/types.js';
import type { Caller } from './auth.js';
import type { SimState } from './state.js';

export type { HttpMethod };

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

/** Read access to validated parameters, so handlers need no casts. */
export class Params {
  constructor(private readonly values: Readonly<Record<string, ParamValue>>) {}

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  str(name: string): string | undefined {
    const v = this.values[name];
    return v === undefined ? undefined : String(v);
  }

  int(name: string): number | undefined {
    const v = this.values[name];
    return v === undefined ? undefined : Number(v);
  }

  bool(name: string): boolean {
    const v = this.values[name];
    return v === true || v === 1 || v === '1';
  }

  entries(): Array<[string, ParamValue]> {
    return Object.entries(this.values);
  }
}

/** A successful answer that carries more than `data` (PVE's "total" on task lists and logs). */
export class Reply {
  constructor(
    readonly data: unknown,
    readonly total?: number,
  ) {}
}

export interface HandlerContext {
  readonly params: Params;
  readonly caller: Caller;
  readonly state: SimState;
  readonly route: RouteDef;
}

/** Returns the payload for `data` (or a Reply), or throws an ApiError. */
export type Handler = (ctx: HandlerContext) => unknown;

/**
 * One API method: its schema (copied from the real PVE 9.2 apidoc.json, trimmed to what the simulator
 * supports) and its behaviour. The same object drives routing, validation, permissions and apidoc.js.
 */
export interface RouteDef {
  method: HttpMethod;
  path: string;
  name: string;
  description: string;
  /** null: PVE says explicitly that it does not proxy (firewall rules live in the cluster filesystem). */
  proxyto?: 'node' | null;
  protected?: 1;
  permissions: PvePermissions;
  parameters: PveParameters;
  returns: PveProperty;
  handler: Handler;
}
