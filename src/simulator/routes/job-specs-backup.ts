import { nodeProp, upidReturns } from './props.js';
import { bool, fmt, oneOf, opt, params, str, type RouteSpec } from './spec-builders.js';

/** The backup route (vzdump), which the backup and restore jobs start. */
export const BACKUP_ROUTE_SPECS = {
  'POST /nodes/{node}/vzdump': {
    method: 'POST',
    path: '/nodes/{node}/vzdump',
    name: 'vzdump',
    description: 'Backs guests up to a storage (vzdump), in a task.',
    proxyto: 'node',
    protected: 1,
    permissions: { user: 'all' },
    parameters: params({
      node: opt(nodeProp),
      vmid: opt(fmt('pve-vmid-list'), 'guests to back up, comma-separated'),
      storage: opt(fmt('pve-storage-id'), 'storage to write the backup to'),
      mode: opt(
        oneOf(['snapshot', 'suspend', 'stop'], { default: 'snapshot' }),
        'snapshot: stays up; suspend: paused; stop: shut down during it',
      ),
      compress: opt(
        oneOf(['0', '1', 'gzip', 'lzo', 'zstd'], { default: '0' }),
        '0 = uncompressed; zstd is usual',
      ),
      'notes-template': opt(
        str({ maxLength: 1024, requires: 'storage' }),
        'notes on the backup; {{vmid}}, {{guestname}} are filled in',
      ),
      remove: opt(bool({ default: 1 }), "prune older backups by the storage's keep rules"),
    }),
    returns: upidReturns,
  },
} satisfies Record<string, RouteSpec>;
