import { createHash } from 'node:crypto';

/**
 * The PVE release the simulator pretends to be. Several observable details changed between releases
 * (see ../shared/pve/NOTES.md §7); each switch below is named after the change it models so handlers never
 * compare version numbers themselves.
 */
export class PveVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;

  constructor(readonly text: string) {
    // '9.2.11' (8.x and later) or '7.4-16' (7.x and earlier).
    const m = /^(\d+)\.(\d+)(?:[.-](\d+))?$/.exec(text);
    if (!m) throw new Error(`unsupported PVE version '${text}' (expected e.g. '9.2.11' or '7.4-16')`);
    this.major = Number(m[1]);
    this.minor = Number(m[2]);
    this.patch = Number(m[3] ?? 0);
  }

  atLeast(major: number, minor = 0, patch = 0): boolean {
    if (this.major !== major) return this.major > major;
    if (this.minor !== minor) return this.minor > minor;
    return this.patch >= patch;
  }

  /** `x.y`, as /version reports it. */
  get release(): string {
    return `${this.major}.${this.minor}`;
  }

  /** A stable fake git revision: 8 hex digits before 8.0, 16 after (PVE/API2.pm). */
  get repoid(): string {
    const hex = createHash('sha256').update(`pve-manager ${this.text}`).digest('hex');
    return hex.slice(0, this.major >= 8 ? 16 : 8);
  }

  get pveversion(): string {
    return `pve-manager/${this.text}/${this.repoid}`;
  }

  /** pve-manager 9.1.5 stopped explaining why a token was refused. */
  get genericAuthFailure(): boolean {
    return this.atLeast(9, 1, 5);
  }

  /** libpve-http-server-perl 5.2.0 (PVE 8.3) added "message" to error bodies. */
  get errorMessageInBody(): boolean {
    return this.atLeast(8, 3);
  }

  /** pve-container fixed the LXC index's vmid type (string → integer) for PVE 8.1. */
  get lxcVmidIsInteger(): boolean {
    return this.atLeast(8, 1);
  }

  /** qemu-server 8.1 turned `memory` into a property string, so config returns it as a string. */
  get memoryIsPropertyString(): boolean {
    return this.atLeast(8, 1);
  }

  /** PVE 9 reports host-side memory and per-node CPU architecture. */
  get hasMemhost(): boolean {
    return this.atLeast(9);
  }

  get hasHostArch(): boolean {
    return this.atLeast(9, 2);
  }

  /** Node status gained boot-info and current-kernel in 8.x. */
  get hasBootInfo(): boolean {
    return this.atLeast(8);
  }

  get kernel(): { release: string; version: string } {
    if (this.major >= 9 && this.minor >= 1) {
      return { release: '6.17.2-1-pve', version: '#1 SMP PREEMPT_DYNAMIC PMX 6.17.2-1 (2025-10-21T11:55Z)' };
    }
    if (this.major >= 9) {
      return { release: '6.14.8-2-pve', version: '#1 SMP PREEMPT_DYNAMIC PMX 6.14.8-2 (2025-07-22T10:04Z)' };
    }
    if (this.major === 8) {
      return { release: '6.8.12-4-pve', version: '#1 SMP PREEMPT_DYNAMIC PMX 6.8.12-4 (2024-11-06T15:04Z)' };
    }
    return { release: '5.15.108-1-pve', version: '#1 SMP PVE 5.15.108-2 (2023-07-20T10:06Z)' };
  }

  /** QEMU version and machine type that go with this release. */
  get qemu(): { version: string; machine: string } {
    if (this.major >= 9) return { version: '10.0.2', machine: '10.0+pve0' };
    if (this.major === 8) return { version: '9.0.2', machine: '9.0+pve0' };
    return { version: '7.2.0', machine: '7.2+pve0' };
  }
}
