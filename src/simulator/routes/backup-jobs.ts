import { fail } from '../errors.js';
import type { Fleet } from '../fleet.js';
import type { HandlerContext, PveProperty, RouteDef } from '../route-types.js';
import { backupStorage, nightlyRun } from './volumes.js';

/** GET /cluster/backup and /cluster/backup/{id}: the nightly job whose archives volumes.ts lists. */

const jobId: PveProperty = { description: 'The job ID.', maxLength: 50, pattern: '\\S+', type: 'string' };

const jobProperties: Record<string, PveProperty> = {
  all: {
    default: 0,
    description: 'Backup all known guest systems on this host.',
    optional: 1,
    type: 'boolean',
  },
  comment: { description: 'Description for the Job.', maxLength: 512, optional: 1, type: 'string' },
  compress: {
    default: '0',
    description: 'Compress dump file.',
    enum: ['0', '1', 'gzip', 'lzo', 'zstd'],
    optional: 1,
    type: 'string',
  },
  enabled: { default: '1', description: 'Enable or disable the job.', optional: 1, type: 'boolean' },
  id: jobId,
  mode: {
    default: 'snapshot',
    description: 'Backup mode.',
    enum: ['snapshot', 'suspend', 'stop'],
    optional: 1,
    type: 'string',
  },
  'next-run': {
    description: 'UNIX timestamp when this backup job will be executed next',
    optional: 1,
    type: 'integer',
  },
  'notes-template': {
    description: 'Template for the notes of the backups.',
    maxLength: 1024,
    optional: 1,
    requires: 'storage',
    type: 'string',
  },
  schedule: { description: 'Backup schedule (calendar event).', optional: 1, type: 'string' },
  storage: {
    description: 'Store resulting file to this storage.',
    format: 'pve-storage-id',
    optional: 1,
    type: 'string',
  },
  type: { description: 'Job type.', optional: 1, type: 'string' },
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
    description: 'List vzdump backup schedule.',
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
    description: 'Read vzdump backup job definition.',
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
