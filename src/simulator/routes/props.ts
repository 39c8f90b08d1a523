import type { PveProperty } from '../route-types.js';

/** Standard options (get_standard_option) shared by many routes, verbatim from apidoc.json. */
export const nodeProp: PveProperty = {
  description: 'The cluster node name.',
  format: 'pve-node',
  type: 'string',
  typetext: '<string>',
};

export const vmidProp: PveProperty = {
  description: 'The (unique) ID of the VM.',
  format: 'pve-vmid',
  maximum: 999999999,
  minimum: 100,
  type: 'integer',
  typetext: '<integer> (100 - 999999999)',
};

export const upidProp: PveProperty = {
  description: "The task's unique ID.",
  type: 'string',
  typetext: '<string>',
};

export const snapnameProp: PveProperty = {
  description: 'The name of the snapshot.',
  format: 'pve-configid',
  maxLength: 40,
  type: 'string',
  typetext: '<string>',
};

export const skiplockProp: PveProperty = {
  description: 'Ignore locks - only root is allowed to use this option.',
  optional: 1,
  type: 'boolean',
  typetext: '<boolean>',
};

/** The return schema of directory indexes, keyed by the child link's field. */
export const indexReturns = (key: 'name' | 'subdir' | 'cmd', described = false): PveProperty => ({
  items: { properties: described ? { [key]: { type: 'string' } } : {}, type: 'object' },
  links: [{ href: `{${key}}`, rel: 'child' }],
  type: 'array',
});

/** The return schema of every task-starting method. */
export const upidReturns: PveProperty = { type: 'string' };
