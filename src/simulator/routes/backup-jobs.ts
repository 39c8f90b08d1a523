import { fail } from '../errors.js';
import type { Fleet } from '../fleet.js';
import type { HandlerContext, PveProperty, RouteDef } from '../route-types.js';
import { backupStorage, nightlyRun } from './volumes.js';

/** GET /cluster/backup and /cluster/backup/{id}: the nightly job whose archives volumes.ts lists. */

const jobId: PveProperty = { maxLength: 50, pattern: '\\S+', type: 'string' };

const jobProperties: Record<string, PveProperty> = {
  all: {
    default: 0,
    optional: 1,
    type: 'boolean',
  },
  comment: { maxLength: 512, optional: 1, type: 'string' },
  compress: {
    default: '0',
    enum: ['0', '1', 'gzip', 'lzo', 'zstd'],
    optional: 1,
    type: 'string',
  },
  enabled: { default: '1', optional: 1, type: 'boolean' },
  id: jobId,
  mode: {
    default: 'snapshot',
    enum: ['snapshot', 'suspend', 'stop'],
    optional: 1,
    type: 'string',
  },
  'next-run': {
    optional: 1,
    type: 'integer',
  },
  'notes-template': {
    maxLength: 1024,
    optional: 1,
    requires: 'storage',
    type: 'string',
  },
  schedule: { optional: 1, type: 'string' },
  storage: {
    format: 'pve-storage-id',
    optional: 1,
    type: 'string',
  },
  type: { optional: 1, type: 'string' },
};

function jobs(fleet: Fleet, nowSec: number): Array<Record<string, unknown>> {
  const storage = backupStorage(fleet);
  if (!storage) return [];
  return [
    {
      id: 'backup-nightly',
      type: 'vzdump',
      schedule: '01:00',
      storage: storage.id,
      all: 1,
      mode: 'snapshot',
      compress: 'zstd',
      enabled: 1,
      'notes-template': '{{guestname}}',
      comment: 'every guest, every night',
      // The next 01:00 UTC after now.
      'next-run': nightlyRun(nowSec, -1),
    },
  ];
}

function auditJobs(ctx: HandlerContext): Array<Record<string, unknown>> {
  return jobs(ctx.state.fleet, ctx.state.clock.nowSec());
}

export const backupJobRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/cluster/backup',
    name: 'index',
    description: 'Scheduled backup jobs.',
    permissions: { check: ['perm', '/', ['Sys.Audit']] },
    parameters: { additionalProperties: 0 },
    returns: {
      items: { properties: jobProperties, type: 'object' },
      links: [{ href: '{id}', rel: 'child' }],
      type: 'array',
    },
    handler: auditJobs,
  },
  {
    method: 'GET',
    path: '/cluster/backup/{id}',
    name: 'read_job',
    description: 'One scheduled backup job.',
    permissions: { check: ['perm', '/', ['Sys.Audit']] },
    parameters: { additionalProperties: 0, properties: { id: jobId } },
    returns: { properties: jobProperties, type: 'object' },
    handler: (ctx) => {
      const id = ctx.params.str('id');
      const job = auditJobs(ctx).find((j) => j.id === id);
      if (!job) throw fail(`Job '${id ?? ''}' does not exist`, 404);
      return job;
    },
  },
];
