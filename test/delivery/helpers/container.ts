import { mkdirSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { run, startServer, type ProcessResult, type Server } from '../../helpers/process.js';

/**
 * A container, minus the container: the image's command run as a local process with the image's
 * environment overlaid by `docker run -e` / compose `environment`, and every container path the
 * environment names mapped to a host directory standing in for it: a bind mount or secret to its
 * source, a tmpfs to a scratch directory, and anything else to `rootfs/`, the image's own (read-only)
 * filesystem. The working directory and HOME are in rootfs too, so after a run, a file in rootfs is
 * a write that would fail under `--read-only`.
 */
export interface ContainerSpec {
  env: Record<string, string>;
  mounts: Array<{ source: string; target: string; readOnly: boolean }>;
  tmpfs: string[];
  readOnlyRootfs: boolean;
  command: string[];
  /** host:container port pairs, as published. */
  ports: Array<{ host: string; container: string }>;
}

export interface LocalRuntime {
  /** Directories put first on PATH: the installed package's bin/, then Node's. */
  path: string[];
  /** The image user's home directory (node:*-alpine: /home/node). */
  home: string;
}

export class LocalContainer {
  readonly rootfs: string;
  readonly tmpfsRoot: string;

  constructor(
    readonly spec: ContainerSpec,
    readonly root: string,
    private readonly runtime: LocalRuntime,
  ) {
    this.rootfs = path.join(root, 'rootfs');
    this.tmpfsRoot = path.join(root, 'tmpfs');
    mkdirSync(this.toHost(runtime.home), { recursive: true });
    for (const t of spec.tmpfs) mkdirSync(this.toHost(t), { recursive: true });
  }

  /** Where a container path lives on this machine: the longest mount or tmpfs prefix wins. */
  toHost(containerPath: string): string {
    const under = (prefix: string) => containerPath === prefix || containerPath.startsWith(`${prefix}/`);
    const mount = this.spec.mounts
      .filter((m) => under(m.target))
      .sort((a, b) => b.target.length - a.target.length)[0];
    if (mount) return path.join(mount.source, containerPath.slice(mount.target.length));
    const tmpfs = this.spec.tmpfs.find(under);
    if (tmpfs) return path.join(this.tmpfsRoot, containerPath);
    return path.join(this.rootfs, containerPath);
  }

  /** The process environment: absolute paths mapped, HOME and PATH as in the image. */
  env(overrides: Record<string, string> = {}): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...this.spec.env, ...overrides }))
      env[k] = v.startsWith('/') ? this.toHost(v) : v;
    env.HOME = this.toHost(this.runtime.home);
    env.PATH = [...this.runtime.path, '/usr/bin', '/bin'].join(path.delimiter);
    return env;
  }

  start(overrides: Record<string, string> = {}): Promise<Server> {
    const [cmd, ...args] = this.spec.command;
    return startServer(cmd!, args, {
      env: this.env(overrides),
      cwd: this.toHost('/'),
      ready: /listening on http:\S+/,
    });
  }

  /** Runs a command in the "container" (a health check, `docker exec`). */
  exec(command: string[], overrides: Record<string, string> = {}): Promise<ProcessResult> {
    const [cmd, ...args] = command;
    return run(cmd!, args, { env: this.env(overrides), cwd: this.toHost('/'), timeoutMs: 10_000 });
  }

  /** Files written where a read-only root filesystem would have refused them. */
  rootfsWrites(): string[] {
    return filesBelow(this.rootfs).map((f) => `/${f}`);
  }

  /** Every file below the tmpfs mounts (what the container wrote, all of it lost on restart). */
  tmpfsFiles(): string[] {
    return filesBelow(this.tmpfsRoot).map((f) => `/${f}`);
  }
}

function filesBelow(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

/** A free TCP port on every interface (the image binds 0.0.0.0), standing in for 8000. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '0.0.0.0', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * `docker run [flags] IMAGE [ARGS…]` as written in a shell snippet: the flags this project documents,
 * resolved against the image (`entrypoint` + `cmd`, ENV) and `cwd` (for `$PWD`). Any other flag is
 * an error, so a README edit cannot silently leave the test behind.
 */
export function parseDockerRun(
  argv: string[],
  image: { env: Record<string, string>; entrypoint: string[]; cmd: string[] },
): ContainerSpec & { image: string; flags: Set<string> } {
  if (argv[0] !== 'docker' || argv[1] !== 'run')
    throw new Error(`not a docker run command: ${argv.join(' ')}`);
  const spec = {
    env: { ...image.env },
    mounts: [] as ContainerSpec['mounts'],
    tmpfs: [] as string[],
    readOnlyRootfs: false,
    command: [] as string[],
    ports: [] as ContainerSpec['ports'],
    image: '',
    flags: new Set<string>(),
  };
  let i = 2;
  const value = () => {
    const v = argv[++i];
    if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
    return v;
  };
  for (; i < argv.length && argv[i]!.startsWith('-'); i++) {
    const flag = argv[i]!;
    spec.flags.add(flag);
    switch (flag) {
      case '-d':
      case '--detach':
      case '--rm':
        break;
      case '--read-only':
        spec.readOnlyRootfs = true;
        break;
      case '--name':
      case '--restart':
      case '--cap-drop':
      case '--security-opt':
        value();
        break;
      case '-p':
      case '--publish': {
        const [host, container] = value().split(':').slice(-2);
        spec.ports.push({ host: host!, container: container! });
        break;
      }
      case '--tmpfs':
        spec.tmpfs.push(value().split(':')[0]!);
        break;
      case '-v':
      case '--volume': {
        const [source, target, mode] = value().split(':');
        spec.mounts.push({ source: source!, target: target!, readOnly: mode === 'ro' });
        break;
      }
      case '-e':
      case '--env': {
        const v = value();
        const eq = v.indexOf('=');
        if (eq < 0) throw new Error(`-e ${v}: pass NAME=value (the test cannot see your shell)`);
        spec.env[v.slice(0, eq)] = v.slice(eq + 1);
        break;
      }
      default:
        throw new Error(`docker run flag ${flag} is not modelled by test/delivery/helpers/container.ts`);
    }
  }
  spec.image = argv[i] ?? '';
  const args = argv.slice(i + 1);
  spec.command = [...image.entrypoint, ...(args.length ? args : image.cmd)];
  return spec;
}

/**
 * Splits a POSIX shell snippet into commands of words: quotes, backslash-newline continuations,
 * comments, `$VAR`/`${VAR}` from `vars`. Enough for documentation snippets, not a shell.
 */
export function shellWords(script: string, vars: Record<string, string>): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | undefined;
  const expand = (s: string, i: number): [string, number] => {
    const m = /^\$(?:\{(\w+)\}|(\w+))/.exec(s.slice(i));
    if (!m) return ['$', i + 1];
    const name = (m[1] ?? m[2])!;
    if (!(name in vars)) throw new Error(`$${name} is not known to the test`);
    return [vars[name]!, i + m[0].length];
  };
  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    if (words.length) commands.push(words);
    words = [];
  };
  for (let i = 0; i < script.length;) {
    const c = script[i]!;
    if (c === '\\' && script[i + 1] === '\n') i += 2;
    else if (c === '\n' || c === ';' || (c === '&' && script[i + 1] === '&')) {
      endCommand();
      i += c === '&' ? 2 : 1;
    } else if (c === ' ' || c === '\t') {
      endWord();
      i++;
    } else if (c === '#' && word === undefined) {
      while (i < script.length && script[i] !== '\n') i++;
    } else if (c === "'") {
      const end = script.indexOf("'", i + 1);
      word = (word ?? '') + script.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      word ??= '';
      for (i++; script[i] !== '"';) {
        if (script[i] === '$') {
          const [v, next] = expand(script, i);
          word += v;
          i = next;
        } else word += script[i++];
      }
      i++;
    } else if (c === '$') {
      const [v, next] = expand(script, i);
      word = (word ?? '') + v;
      i = next;
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  endCommand();
  return commands;
}
