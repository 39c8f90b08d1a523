import { execFileSync, execSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../helpers/cli.js';
import { contextFiles, isIgnored, readDockerignore } from './context.js';
import { copies, type Stage } from './dockerfile.js';

/**
 * Runs a Dockerfile build stage here, instruction by instruction, in `root` standing for the
 * stage's filesystem: WORKDIR, COPY from the build context (the repository filtered by
 * .dockerignore, exactly what `docker build .` would send) and RUN through `sh -c` with `PATH`
 * (Node 24 first, as in node:24-alpine). Anything else in the stage is refused rather than
 * skipped. This is `docker build --target <stage>` short of the engine: it proves the context holds
 * what the build needs and that the commands work from it.
 */
export function rehearseStage(stage: Stage, root: string, opts: { path: string[] }): { log: string } {
  const rules = readDockerignore(path.join(repoRoot, '.dockerignore'));
  const context = contextFiles(repoRoot, rules);
  const inRoot = (p: string, cwd: string) => (p.startsWith('/') ? path.join(root, p) : path.join(cwd, p));
  const npmCache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
  const env = {
    // The machine's network settings (proxy, extra CA certificates) reach the registry, as a
    // builder's do; without them npm retries for minutes before falling back to its cache.
    ...process.env,
    PATH: [...opts.path, '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter),
    HOME: path.join(root, 'root'),
    // The machine's npm cache: the packages are the lockfile's either way; this only saves the download.
    npm_config_cache: npmCache,
    npm_config_update_notifier: 'false',
    CI: 'true',
  };
  const copyList = copies(stage);
  let copyIndex = 0;
  let cwd = root;
  let log = '';
  mkdirSync(env.HOME, { recursive: true });
  for (const ins of stage.instructions) {
    const keyword = ins.getKeyword();
    if (keyword === 'WORKDIR') {
      cwd = path.join(root, ins.getArgumentsContent()!.trim());
      mkdirSync(cwd, { recursive: true });
    } else if (keyword === 'COPY') {
      const { from, sources, dest } = copyList[copyIndex++]!;
      if (from) throw new Error(`rehearsal: COPY --from in stage ${stage.name} is not supported`);
      const target = inRoot(dest, cwd);
      const intoDir = dest.endsWith('/') || sources.length > 1;
      for (const src of sources) {
        const files = context.filter((f) => f === src || f.startsWith(`${src}/`));
        if (!files.length || isIgnored(rules, src))
          throw new Error(`COPY ${src}: not in the build context (see .dockerignore)`);
        for (const f of files) {
          // `COPY dir dest` copies dir's contents into dest; `COPY file dir/` keeps the file name.
          const rel = f === src ? (intoDir ? path.basename(f) : '') : path.relative(src, f);
          const to = rel ? path.join(target, rel) : target;
          mkdirSync(path.dirname(to), { recursive: true });
          cpSync(path.join(repoRoot, f), to);
        }
      }
    } else if (keyword === 'RUN') {
      const command = ins.getArgumentsContent()!.trim();
      try {
        log += execSync(command, {
          cwd,
          env,
          shell: '/bin/sh',
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string; message: string };
        throw new Error(`RUN ${command} failed in the rehearsal:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
      }
    } else {
      throw new Error(`rehearsal: ${keyword} in stage ${stage.name} is not modelled; teach rehearsal.ts`);
    }
  }
  return { log };
}
