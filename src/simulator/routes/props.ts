import type { PveProperty } from '../route-types.js';

/** Standard options (get_standard_option) shared by many routes: PVE's types and limits, no prose. */
export const nodeProp: PveProperty = {
  format: 'pve-node',
  type: 'string',
};

export const vmidProp: PveProperty = {
  format: 'pve-vmid',
  maximum: 999999999,
  minimum: 100,
  type: 'integer',
};

export const upidProp: PveProperty = {
  type: 'string',
};

export const snapnameProp: PveProperty = {
  format: 'pve-configid',
  maxLength: 40,
  type: 'string',
};

export const skiplockProp: PveProperty = {
  optional: 1,
  type: 'boolean',
};

/** The return schema of directory indexes, keyed by the child link's field. */
export const indexReturns = (key: 'name' | 'subdir' | 'cmd', described = false): PveProperty => ({
  items: { properties: described ? { [key]: { type: 'string' } } : {}, type: 'object' },
  links: [{ href: `{${key}}`, rel: 'child' }],
  type: 'array',
});

/** The return schema of every task-starting method. */
export const upidReturns: PveProperty = { type: 'string' };
