import type { HttpMethod } from '../schema/types.js';
import type { Caller } from './auth.js';
import type { ParamValue, PveParameters, PvePermissions, PveProperty } from './schema-types.js';
import type { SimState } from './state.js';

export type { HttpMethod };

export type { ParamValue, PermCheck, PveParameters, PvePermissions, PveProperty } from './schema-types.js';

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
 * One API method: the facts of its PVE 9.2 schema the simulator needs (parameter names, types, limits,
 * enums, defaults, permission checks; test/simulator/schema.test.ts holds them to apidoc.json) with a
 * description in our own words, and its behaviour. The same object drives routing, validation,
 * permissions and apidoc.js. PVE's prose (descriptions, typetext) is never copied here: it is AGPL.
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
