import type { PveParameters, PveProperty, RouteDef } from '../route-types.js';
import { nodeProp, vmidProp } from './props.js';

// Shorthand for the facts of a PVE parameter (type, limits, enum, default, format): what the
// simulator validates and serves in its apidoc.js. Descriptions, where a parameter needs one, are our
// own few words (PVE's wording is not ours to copy): the demo's describe answers show them to the model,
// so they say what the parameter does for a caller and stay short.

export type RouteSpec = Omit<RouteDef, 'handler'>;
type Extra = Partial<PveProperty>;

export const str = (extra: Extra = {}): PveProperty => ({ type: 'string', ...extra });
export const fmt = (format: string, extra: Extra = {}): PveProperty => str({ format, ...extra });
export const bool = (extra: Extra = {}): PveProperty => ({ type: 'boolean', ...extra });
export const num = (extra: Extra = {}): PveProperty => ({ type: 'number', ...extra });
export const int = (minimum?: number, maximum?: number, extra: Extra = {}): PveProperty => ({
  type: 'integer',
  ...(minimum === undefined ? {} : { minimum }),
  ...(maximum === undefined ? {} : { maximum }),
  ...extra,
});
export const oneOf = (values: readonly string[], extra: Extra = {}): PveProperty =>
  str({ enum: values, ...extra });
/** Optional, as most parameters are; `about` is its description in our words. */
export const opt = (p: PveProperty, about?: string): PveProperty => ({
  ...p,
  optional: 1,
  ...(about === undefined ? {} : { description: about }),
});
/** A property with a description in our words. */
export const about = (p: PveProperty, description: string): PveProperty => ({ ...p, description });

/** `prefix0` … `prefix{count-1}`: PVE's numbered keys (scsi0…scsi30). */
export const numbered = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}${i}`);

export const params = (properties: Record<string, PveProperty>): PveParameters => ({
  additionalProperties: 0,
  properties,
});
/** /nodes/{node}/…/{vmid} parameters first, then the method's own. */
export const guestParams = (properties: Record<string, PveProperty> = {}): PveParameters =>
  params({ node: nodeProp, vmid: vmidProp, ...properties });

/** A return schema listing field names and JSON types only (what describe summarizes). */
export const fields = (types: Record<string, PveProperty['type']>, optional: readonly string[] = []) =>
  Object.fromEntries(
    Object.entries(types).map(([k, type]): [string, PveProperty] => [
      k,
      optional.includes(k) ? { type, optional: 1 } : { type },
    ]),
  );
export const listOf = (properties: Record<string, PveProperty>, child?: string): PveProperty => ({
  type: 'array',
  items: { type: 'object', properties },
  ...(child ? { links: [{ href: `{${child}}`, rel: 'child' }] } : {}),
});
