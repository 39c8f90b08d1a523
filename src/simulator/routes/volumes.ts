import type { Fleet, Guest, StorageDef } from '../fleet.js';
import { parseSize, volumes } from '../fleet.js';
import { backupsOf } from '../job-state.js';

/**
 * What a storage holds, derived from the fleet so it stays consistent with the guests: the guests'
 * disks (images, rootdir) and a deterministic backup history on every storage with 'backup' content
 * (a nightly job at 01:00 for the last three days: see backup-jobs.ts).
 */
export interface Volume {
  volid: string;
  content: 'images' | 'rootdir' | 'backup' | 'iso' | 'vztmpl';
  format: string;
  size: number;
  vmid?: number;
  ctime?: number;
  /** Backups: qemu or lxc, and the notes vzdump wrote from the job's notes template. */
  subtype?: 'qemu' | 'lxc';
  notes?: string;
  protected?: boolean;
  /** Where the volume lives on the node, for GET …/content/{volume}. */
  path: string;
}

const DAY = 86_400;
export const BACKUP_DAYS = 3;

/** The guests whose volumes a storage seen from `node` shows: all for shared storage, else the node's. */
function guestsSeenFrom(fleet: Fleet, storage: StorageDef, node: string): Guest[] {
  return [...fleet.guests.values()]
    .filter((g) => storage.shared || g.node === node)
    .sort((a, b) => a.vmid - b.vmid);
}

function dir(storage: StorageDef): string {
  return String(storage.config.path ?? `/mnt/pve/${storage.id}`);
}

function diskPath(storage: StorageDef, name: string, vmid: number): string {
  if (storage.type === 'lvmthin') return `/dev/${String(storage.config.vgname ?? 'pve')}/${name}`;
  return `${dir(storage)}/images/${vmid}/${name}`;
}

function diskFormat(storage: StorageDef, name: string): string {
  if (storage.type === 'lvmthin') return 'raw';
  return /\.(qcow2|vmdk|raw)$/.exec(name)?.[1] ?? (name.startsWith('subvol-') ? 'subvol' : 'raw');
}

/** vzdump's archive name: vzdump-qemu-100-2026_12_01-01_00_05.vma.zst. */
function archiveName(g: Guest, ctime: number): string {
  return archiveFile({ type: g.type, vmid: g.vmid, ctime });
}

/** The same for a guest that may be gone (a backup vzdump wrote, see job-state.ts). */
export function archiveFile(b: { type: 'qemu' | 'lxc'; vmid: number; ctime: number }): string {
  const d = new Date(b.ctime * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getUTCFullYear()}_${two(d.getUTCMonth() + 1)}_${two(d.getUTCDate())}-${two(d.getUTCHours())}_${two(d.getUTCMinutes())}_${two(d.getUTCSeconds())}`;
  return `vzdump-${b.type}-${b.vmid}-${stamp}.${b.type === 'qemu' ? 'vma.zst' : 'tar.zst'}`;
}

/** Where the nightly job writes: the shared backup storage if there is one, else the first local one. */
export function backupStorage(fleet: Fleet): StorageDef | undefined {
  const candidates = fleet.storages.filter((s) => s.content.split(',').includes('backup'));
  return candidates.find((s) => s.shared) ?? candidates[0];
}

/** 01:00 UTC of the day before `nowSec`, minus `daysAgo` days. */
export function nightlyRun(nowSec: number, daysAgo: number): number {
  return Math.floor(nowSec / DAY) * DAY - (daysAgo + 1) * DAY + 3600;
}

export function storageVolumes(fleet: Fleet, storage: StorageDef, node: string, nowSec: number): Volume[] {
  const kinds = storage.content.split(',');
  const out: Volume[] = [];
  for (const g of guestsSeenFrom(fleet, storage, node)) {
    for (const v of volumes(g.config)) {
      const [store, name = ''] = v.volid.split(':');
      if (store !== storage.id) continue;
      const content = g.type === 'lxc' ? 'rootdir' : 'images';
      if (!kinds.includes(content)) continue;
      out.push({
        volid: v.volid,
        content,
        format: diskFormat(storage, name),
        size: parseSize(v.size),
        vmid: g.vmid,
        ctime: nightlyRun(nowSec, 30 + (g.vmid % 60)),
        path: diskPath(storage, name, g.vmid),
      });
    }
  }
  if (kinds.includes('backup') && backupStorage(fleet)?.id === storage.id) {
    for (const g of guestsSeenFrom(fleet, storage, node)) {
      const size = volumes(g.config).reduce((sum, v) => sum + parseSize(v.size), 0);
      for (let day = BACKUP_DAYS - 1; day >= 0; day--) {
        // Guests are backed up one after another: a few seconds each.
        const ctime = nightlyRun(nowSec, day) + (g.vmid % 100) * 7;
        const name = archiveName(g, ctime);
        out.push({
          volid: `${storage.id}:backup/${name}`,
          content: 'backup',
          format: g.type === 'qemu' ? 'vma.zst' : 'tar.zst',
          size: Math.round(size * 0.18) + g.vmid * 1024,
          vmid: g.vmid,
          ctime,
          subtype: g.type,
          notes: String(g.config.name ?? g.config.hostname ?? `guest ${g.vmid}`),
          protected: day === BACKUP_DAYS - 1 && g.vmid % 2 === 0,
          path: `${dir(storage)}/dump/${name}`,
        });
      }
    }
  }
  // One container template on the storage that holds them (local), for creating containers.
  if (kinds.includes('vztmpl') && !storage.shared) {
    const name = 'debian-12-standard_12.7-1_amd64.tar.zst';
    out.push({
      volid: `${storage.id}:vztmpl/${name}`,
      content: 'vztmpl',
      format: 'tzst',
      size: 126_189_305,
      ctime: nightlyRun(nowSec, 40),
      path: `${dir(storage)}/template/cache/${name}`,
    });
  }
  // Backups vzdump wrote since the simulator started (POST /nodes/{node}/vzdump).
  for (const b of backupsOf(fleet)) {
    if (b.storage !== storage.id || (!storage.shared && b.node !== node)) continue;
    const name = archiveFile(b);
    out.push({
      volid: `${storage.id}:backup/${name}`,
      content: 'backup',
      format: b.type === 'qemu' ? 'vma.zst' : 'tar.zst',
      size: b.size,
      vmid: b.vmid,
      ctime: b.ctime,
      subtype: b.type,
      notes: b.notes,
      protected: false,
      path: `${dir(storage)}/dump/${name}`,
    });
  }
  return out;
}
