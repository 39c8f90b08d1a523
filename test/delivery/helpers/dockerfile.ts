import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  Cmd,
  DockerfileParser,
  Entrypoint,
  Env,
  From,
  Healthcheck,
  Label,
  type Instruction,
  type ModifiableInstruction,
} from 'dockerfile-ast';
import { repoRoot } from '../../helpers/cli.js';

/**
 * The Dockerfile, read the way Docker reads it (dockerfile-ast: continuations, comments, quoting,
 * JSON forms), as the few facts the delivery tests use. Tests take every value from here, so the
 * Dockerfile stays the single source of the image's command, environment and health check.
 */
export interface Stage {
  from: From;
  name: string | undefined;
  instructions: Instruction[];
}

export interface ImageSpec {
  text: string;
  stages: Stage[];
  final: Stage;
  /** ENV of the final stage. */
  env: Record<string, string>;
  entrypoint: string[];
  cmd: string[];
  healthcheck: { cmd: string[]; flags: Record<string, string> };
  user: string | undefined;
  expose: string[];
  labels: Record<string, string>;
}

export const dockerfilePath = path.join(repoRoot, 'Dockerfile');

export function readDockerfile(file = dockerfilePath): ImageSpec {
  const text = readFileSync(file, 'utf8');
  const stages: Stage[] = [];
  for (const ins of DockerfileParser.parse(text).getInstructions()) {
    if (ins instanceof From)
      stages.push({ from: ins, name: ins.getBuildStage() ?? undefined, instructions: [] });
    else stages.at(-1)?.instructions.push(ins);
  }
  const final = stages.at(-1);
  if (!final) throw new Error('Dockerfile has no FROM');
  const all = final.instructions;
  const last = <T extends Instruction>(cls: abstract new (...a: never[]) => T): T | undefined =>
    all.filter((i): i is T => i instanceof cls).at(-1);
  const properties = (cls: typeof Env | typeof Label) =>
    Object.fromEntries(
      all
        .filter((i) => i instanceof cls)
        .flatMap((i) => (i as Env | Label).getProperties())
        .map((p) => [p.getName(), p.getValue() ?? '']),
    );

  const hc = last(Healthcheck);
  const hcCmd = /^CMD\s+(\[[\s\S]*\])\s*$/.exec(hc?.getArgumentsContent()?.trim() ?? '')?.[1];
  return {
    text,
    stages,
    final,
    env: properties(Env),
    labels: properties(Label),
    entrypoint: execForm(last(Entrypoint), 'ENTRYPOINT'),
    cmd: execForm(last(Cmd), 'CMD'),
    healthcheck: {
      cmd: hcCmd ? (JSON.parse(hcCmd) as string[]) : [],
      flags: Object.fromEntries((hc?.getFlags() ?? []).map((f) => [f.getName(), f.getValue() ?? ''])),
    },
    user: all
      .filter((i) => i.getKeyword() === 'USER')
      .at(-1)
      ?.getArgumentsContent()
      ?.trim(),
    expose: all
      .filter((i) => i.getKeyword() === 'EXPOSE')
      .flatMap((i) => i.getArguments().map((a) => a.getValue())),
  };
}

/** ENTRYPOINT/CMD must be in exec (JSON) form: a shell form would run under /bin/sh -c. */
function execForm(ins: Instruction | undefined, what: string): string[] {
  if (!ins) return [];
  const raw = ins.getArgumentsContent()?.trim() ?? '';
  if (!raw.startsWith('[')) throw new Error(`${what} is in shell form: ${raw}`);
  return JSON.parse(raw) as string[];
}

export interface CopyInstruction {
  from: string | undefined;
  sources: string[];
  dest: string;
}

/** COPY/ADD instructions of a stage: sources are context paths unless `from` names a stage. */
export function copies(stage: Stage): CopyInstruction[] {
  return stage.instructions
    .filter((i) => i.getKeyword() === 'COPY' || i.getKeyword() === 'ADD')
    .map((i) => {
      const flags = (i as ModifiableInstruction).getFlags();
      const from = flags.find((f) => f.getName() === 'from')?.getValue() ?? undefined;
      const paths = i.getArguments().map((a) => a.getValue());
      return { from, sources: paths.slice(0, -1), dest: paths.at(-1) ?? '' };
    });
}

/** RUN commands of a stage, as the shell gets them (continuations joined). */
export function runCommands(stage: Stage): string[] {
  return stage.instructions
    .filter((i) => i.getKeyword() === 'RUN')
    .map((i) => (i.getArgumentsContent() ?? '').replace(/\s+/g, ' ').trim());
}

/** The stage's (last) WORKDIR. */
export function workdir(stage: Stage): string | undefined {
  return stage.instructions
    .filter((i) => i.getKeyword() === 'WORKDIR')
    .at(-1)
    ?.getArgumentsContent()
    ?.trim();
}
