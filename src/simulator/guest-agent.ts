import type { Guest } from './fleet.js';
import { fail } from './errors.js';

/**
 * What runs inside a simulated VM behind qemu-guest-agent: a few scripted programs for guest-exec, a
 * process table for guest-exec-status, and an in-memory filesystem for guest-file-read/-write. QGA runs
 * the program directly (no shell) with the arguments as given; a program it cannot find is an error of
 * the exec call itself, which PVE reports as "Agent error: …".
 */

/** QGA keeps at most this much of a process's stdout or stderr (GUEST_EXEC_MAX_OUTPUT, 16 MiB). */
export const QGA_MAX_OUTPUT = 16 * 1024 * 1024;
/** PVE's file-read limit. */
export const FILE_READ_MAX = 16 * 1024 * 1024;

interface Process {
  argv: string[];
  startedMs: number;
  durationMs: number;
  exitcode: number;
  out: string;
  err: string;
}

interface AgentState {
  nextPid: number;
  processes: Map<number, Process>;
  files: Map<string, Buffer>;
}

const states = new WeakMap<Guest, AgentState>();

function stateOf(g: Guest): AgentState {
  let s = states.get(g);
  if (!s) {
    s = { nextPid: 1200 + (g.vmid % 100) * 10, processes: new Map(), files: seedFiles(g) };
    states.set(g, s);
  }
  return s;
}

function seedFiles(g: Guest): Map<string, Buffer> {
  const name = String(g.config.name ?? `vm${g.vmid}`);
  return new Map<string, Buffer>([
    [
      '/etc/os-release',
      Buffer.from(
        'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL="https://www.debian.org/"\n',
      ),
    ],
    ['/etc/hostname', Buffer.from(`${name}\n`)],
    [
      '/var/log/nginx/error.log',
      Buffer.from('2026/12/04 03:12:55 [notice] 812#812: signal process started\n'),
    ],
    // Not text: shown base64 by the tools.
    ['/usr/lib/blob.bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0xff, 0xfe, 0x00])],
  ]);
}

type Outcome = { exitcode: number; out?: string; err?: string; durationMs?: number };

/** The services each guest reports to systemctl: nginx runs on web01 (100) only. */
const active = (g: Guest, unit: string) => unit.replace(/\.service$/, '') === 'nginx' && g.vmid === 100;

const PROGRAMS: Record<string, (args: string[], g: Guest, s: AgentState, input: string) => Outcome> = {
  df: (args) =>
    args.includes('-h')
      ? {
          exitcode: 0,
          out: 'Filesystem      Size  Used Avail Use% Mounted on\nudev            1.9G     0  1.9G   0% /dev\ntmpfs           392M  1.1M  391M   1% /run\n/dev/sda1        31G   24G  5.6G  81% /\ntmpfs           2.0G     0  2.0G   0% /dev/shm\n/dev/sda15      124M   12M  113M  10% /boot/efi\n',
        }
      : {
          exitcode: 0,
          out: 'Filesystem     1K-blocks     Used Available Use% Mounted on\n/dev/sda1       32378248 25165824   5872320  81% /\n',
        },
  cat: (args, _g, s, input) => {
    if (args.length === 0) return { exitcode: 0, out: input };
    let out = '';
    let err = '';
    for (const a of args) {
      const f = s.files.get(a);
      if (f) out += f.toString('latin1');
      else err += `cat: ${a}: No such file or directory\n`;
    }
    return { exitcode: err ? 1 : 0, out, err };
  },
  systemctl: (args, g) => {
    const [verb, unit = ''] = args;
    if (verb === 'is-active')
      return active(g, unit) ? { exitcode: 0, out: 'active\n' } : { exitcode: 3, out: 'inactive\n' };
    if (verb === 'status') {
      const on = active(g, unit);
      return {
        exitcode: on ? 0 : 3,
        out: `● ${unit}.service - A high performance web server\n     Loaded: loaded (/lib/systemd/system/${unit}.service; enabled)\n     Active: ${on ? 'active (running) since Thu 2026-12-03 08:00:01 UTC' : 'inactive (dead) since Fri 2026-12-04 03:12:55 UTC'}\n`,
      };
    }
    return { exitcode: 1, err: `Unknown command verb ${verb ?? ''}.\n` };
  },
  ip: (args, g) =>
    args.join(' ') === '-br a' || args.join(' ') === '-br addr'
      ? {
          exitcode: 0,
          out: `lo               UNKNOWN        127.0.0.1/8 ::1/128\nens18            UP             192.168.10.${120 + (g.vmid % 100)}/24 fe80::be24:11ff:fe00:${g.vmid}/64\n`,
        }
      : {
          exitcode: 0,
          out: '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536\n2: ens18: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500\n',
        },
  hostname: (_a, g) => ({ exitcode: 0, out: `${String(g.config.name ?? g.vmid)}\n` }),
  uname: () => ({
    exitcode: 0,
    out: 'Linux 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 x86_64 GNU/Linux\n',
  }),
  echo: (args) => ({ exitcode: 0, out: `${args.join(' ')}\n` }),
  true: () => ({ exitcode: 0 }),
  false: () => ({ exitcode: 1 }),
  ls: (args, _g, s) => {
    const dir = args.find((a) => !a.startsWith('-')) ?? '/';
    const names = [...s.files.keys()].filter((f) => f.startsWith(dir.endsWith('/') ? dir : `${dir}/`));
    if (names.length === 0)
      return { exitcode: 2, err: `ls: cannot access '${dir}': No such file or directory\n` };
    return { exitcode: 0, out: names.map((n) => n.slice(dir.length).replace(/^\//, '')).join('\n') + '\n' };
  },
  // A slow command: runs for N seconds (a time in the simulated guest, not a blocked server).
  sleep: (args) => ({ exitcode: 0, durationMs: Math.max(0, Number(args[0] ?? 0) * 1000) }),
  seq: (args) => {
    const n = Math.min(Number(args[0] ?? 0), 5_000_000);
    const lines: string[] = [];
    for (let i = 1; i <= n; i++) lines.push(String(i));
    return { exitcode: 0, out: lines.length ? lines.join('\n') + '\n' : '' };
  },
};

/** guest-exec: starts the program or fails the call as QGA does when it cannot be run. */
export function agentExec(
  g: Guest,
  argv: string[],
  input: string | undefined,
  nowMs: number,
): { pid: number } {
  const s = stateOf(g);
  const [path = '', ...args] = argv;
  const program = PROGRAMS[path.split('/').pop() ?? ''];
  if (!program)
    throw fail(`Agent error: Failed to execute child process “${path}” (No such file or directory)`);
  const r = program(args, g, s, input ?? '');
  const pid = s.nextPid++;
  s.processes.set(pid, {
    argv,
    startedMs: nowMs,
    durationMs: r.durationMs ?? 0,
    exitcode: r.exitcode,
    out: r.out ?? '',
    err: r.err ?? '',
  });
  return { pid };
}

/**
 * guest-exec-status as PVE returns it: out/err decoded, booleans as 0/1. QGA forgets a process once it
 * has reported it exited, so asking again is an invalid pid.
 */
export function agentExecStatus(g: Guest, pid: number, nowMs: number): Record<string, unknown> {
  const s = stateOf(g);
  const p = s.processes.get(pid);
  if (!p) throw fail(`Agent error: Invalid parameter 'pid'`);
  if (nowMs - p.startedMs < p.durationMs) return { exited: 0 };
  s.processes.delete(pid);
  const res: Record<string, unknown> = { exited: 1, exitcode: p.exitcode };
  // PVE decodes QGA's base64 and JSON-encodes the bytes as Latin-1 characters (qemu_exec_status).
  const stream = (text: string, data: string, truncated: string) => {
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length === 0) return;
    res[data] = bytes.subarray(0, QGA_MAX_OUTPUT).toString('latin1');
    if (bytes.length > QGA_MAX_OUTPUT) res[truncated] = 1;
  };
  stream(p.out, 'out-data', 'out-truncated');
  stream(p.err, 'err-data', 'err-truncated');
  return res;
}

/** file-read: raw bytes from offset, at most `count`; `truncated` when the file goes on. */
export function agentFileRead(
  g: Guest,
  file: string,
  offset: number,
  count: number,
): { bytes: Buffer; truncated: boolean } {
  const f = stateOf(g).files.get(file);
  if (!f) throw fail(`Agent error: failed to open file '${file}' (mode: 'r'): No such file or directory`);
  const bytes = f.subarray(offset, offset + Math.min(count, FILE_READ_MAX));
  return { bytes, truncated: offset + bytes.length < f.length };
}

export function agentFileWrite(g: Guest, file: string, bytes: Buffer): void {
  if (!file.startsWith('/'))
    throw fail(`Agent error: failed to open file '${file}' (mode: 'wb'): No such file or directory`);
  stateOf(g).files.set(file, bytes);
}

/** What a test sees of the guest's filesystem. */
export function guestFile(g: Guest, file: string): Buffer | undefined {
  return stateOf(g).files.get(file);
}
