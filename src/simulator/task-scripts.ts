import { volumes, type Guest } from './fleet.js';

/**
 * Log lines for the simulator's tasks, modelled on what qemu-server, pve-container and vzdump print on an
 * LVM-thin / NFS setup. Only the shape matters to clients (n/t pairs, a final TASK line).
 */

const lvName = (volid: string): string | undefined => /^local-lvm:(.+)$/.exec(volid)?.[1];

function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value.toFixed(2)} ${units[i]}`;
}

function timestamp(sec: number): string {
  return new Date(sec * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

function driveLines(g: Guest, snapname: string): string[] {
  const out: string[] = [];
  for (const vol of volumes(g.config)) {
    if (g.type === 'qemu') out.push(`snapshotting 'drive-${vol.key}' (${vol.volid})`);
    const lv = lvName(vol.volid);
    if (lv) out.push(`  Logical volume "snap_${lv}_${snapname}" created.`);
  }
  return out;
}

/**
 * A snapshot. With the RAM state of a running VM it is the simulator's long task: many progress lines
 * (callers stretch its duration), like qemu-server's "saving VM state" output.
 */
export function snapshotLines(g: Guest, snapname: string, ramBytes: number | undefined): string[] {
  if (ramBytes === undefined) return driveLines(g, snapname);
  const steps = 60;
  const lines = ["saving VM state and RAM using storage 'local-lvm'"];
  for (let i = 1; i <= steps; i++) lines.push(`${formatSize((ramBytes * i) / steps)} in ${i}s`);
  lines.push(`completed saving the VM state in ${steps}s, saved ${formatSize(ramBytes)}`);
  return [...lines, ...driveLines(g, snapname)];
}

export function rollbackLines(g: Guest, snapname: string): string[] {
  return volumes(g.config).flatMap((vol) => {
    const lv = lvName(vol.volid);
    return lv
      ? [`  Logical volume "${lv}" successfully removed.`, `  Logical volume "${lv}" created.`]
      : [`rollback '${vol.volid}' to snapshot '${snapname}'`];
  });
}

export function deleteSnapshotLines(g: Guest, snapname: string): string[] {
  return volumes(g.config).flatMap((vol) => {
    const lv = lvName(vol.volid);
    return lv ? [`  Logical volume "snap_${lv}_${snapname}" successfully removed.`] : [];
  });
}

export function destroyLines(g: Guest, purge: boolean): string[] {
  const lines = volumes(g.config).map((vol) => {
    const lv = lvName(vol.volid);
    return lv ? `  Logical volume "${lv}" successfully removed.` : `removing volume '${vol.volid}'`;
  });
  if (purge) lines.push(`purging VM ${g.vmid} from related configurations..`);
  return lines;
}

/** A nightly backup to the shared storage, as the task history shows it. */
export function vzdumpLines(
  g: Guest,
  node: string,
  storage: string,
  startSec: number,
  seconds: number,
): string[] {
  const kind = g.type === 'qemu' ? 'qemu' : 'lxc';
  const stamp = timestamp(startSec).replace(/-/g, '_').replace(' ', '-').replace(/:/g, '_');
  const ext = kind === 'qemu' ? 'vma' : 'tar';
  const archive = `/mnt/pve/${storage}/dump/vzdump-${kind}-${g.vmid}-${stamp}.${ext}.zst`;
  const name = String(g.config.name ?? g.config.hostname ?? '');
  const head = [
    `INFO: starting new backup job: vzdump ${g.vmid} --storage ${storage} --mode snapshot --compress zstd --notes-template '{{guestname}}' --node ${node}`,
    `INFO: Starting Backup of VM ${g.vmid} (${kind})`,
    `INFO: Backup started at ${timestamp(startSec)}`,
    `INFO: status = running`,
    kind === 'qemu' ? `INFO: VM Name: ${name}` : `INFO: CT Name: ${name}`,
  ];
  const body =
    kind === 'qemu'
      ? [
          ...volumes(g.config).map((v) => `INFO: include disk '${v.key}' '${v.volid}' ${v.size ?? '0'}`),
          'INFO: backup mode: snapshot',
          'INFO: ionice priority: 7',
          `INFO: creating vzdump archive '${archive}'`,
          ...[8, 27, 51, 76, 100].map(
            (p, i) =>
              `INFO: ${String(p).padStart(3)}% in ${(i + 1) * 11}s, read: 402.1 MiB/s, write: 188.5 MiB/s`,
          ),
          'INFO: backup is sparse: 21.30 GiB (66%) total zero data',
        ]
      : [
          "INFO: including mount point rootfs ('/') in backup",
          'INFO: backup mode: snapshot',
          "INFO: create storage snapshot 'vzdump'",
          `INFO: creating vzdump archive '${archive}'`,
          'INFO: Total bytes written: 1311754240 (1.3GiB, 104MiB/s)',
          "INFO: cleanup temporary 'vzdump' snapshot",
        ];
  const duration = new Date(seconds * 1000).toISOString().slice(11, 19);
  return [
    ...head,
    ...body,
    'INFO: adding notes to backup',
    `INFO: Finished Backup of VM ${g.vmid} (${duration})`,
    `INFO: Backup finished at ${timestamp(startSec + seconds)}`,
    'INFO: Backup job finished successfully',
  ];
}
