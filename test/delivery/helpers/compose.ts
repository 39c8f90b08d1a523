import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { repoRoot } from '../../helpers/cli.js';
import type { ContainerSpec } from './container.js';

export const composePath = path.join(repoRoot, 'docker-compose.yml');

export interface ComposeService {
  image: string;
  restart?: string;
  ports?: string[];
  environment?: Record<string, string | null>;
  volumes?: string[];
  secrets?: string[];
  read_only?: boolean;
  tmpfs?: string[];
  cap_drop?: string[];
  security_opt?: string[];
  healthcheck?: {
    test: string[];
    interval?: string;
    timeout?: string;
    start_period?: string;
    retries?: number;
  };
  command?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file: string }>;
}

/** The compose file as YAML, before interpolation. */
export function readComposeRaw(): ComposeFile {
  return yaml.load(readFileSync(composePath, 'utf8')) as ComposeFile;
}

/** The compose file as `docker compose` sees it with these variables (a .env or Portainer's). */
export function readCompose(vars: Record<string, string>): ComposeFile {
  return interpolateDeep(readComposeRaw(), vars) as ComposeFile;
}

function interpolateDeep(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') return interpolate(value, vars);
  if (Array.isArray(value)) return value.map((v) => interpolateDeep(v, vars));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateDeep(v, vars)]));
  return value;
}

/**
 * Compose's variable syntax: `$$` (a literal $), `$VAR`, `${VAR}`, `${VAR:-default}` / `${VAR-default}`
 * (default when unset or empty / unset), `${VAR:?message}` / `${VAR?message}` (an error).
 */
export function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_]\w*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_]\w*)/g,
    (
      all,
      name: string | undefined,
      colon: string | undefined,
      op: string | undefined,
      arg: string | undefined,
      bare: string | undefined,
    ) => {
      if (all === '$$') return '$';
      const key = (name ?? bare)!;
      const value = vars[key];
      const missing = value === undefined || (colon === ':' && value === '');
      if (!op) return value ?? '';
      if (!missing) return value;
      if (op === '-') return interpolate(arg ?? '', vars);
      throw new Error(`required variable ${key} is missing a value: ${arg}`);
    },
  );
}

/** A compose service as the container it starts: image ENV + `environment`, volumes, secrets, tmpfs. */
export function composeContainer(
  file: ComposeFile,
  name: string,
  projectDir: string,
  image: { env: Record<string, string>; entrypoint: string[]; cmd: string[] },
): ContainerSpec {
  const service = file.services[name];
  if (!service) throw new Error(`no service ${name}`);
  const hostPath = (p: string) => path.resolve(projectDir, p);
  const env = { ...image.env };
  for (const [k, v] of Object.entries(service.environment ?? {})) if (v !== null) env[k] = String(v);
  return {
    env,
    mounts: [
      ...(service.volumes ?? []).map((v) => {
        const [source, target, mode] = v.split(':');
        return { source: hostPath(source!), target: target!, readOnly: mode === 'ro' };
      }),
      ...(service.secrets ?? []).map((s) => {
        const secret = file.secrets?.[s];
        if (!secret) throw new Error(`service ${name} uses secret ${s}, which is not defined`);
        return { source: hostPath(secret.file), target: `/run/secrets/${s}`, readOnly: true };
      }),
    ],
    tmpfs: (service.tmpfs ?? []).map((t) => t.split(':')[0]!),
    readOnlyRootfs: service.read_only === true,
    command: [...image.entrypoint, ...(service.command ?? image.cmd)],
    ports: (service.ports ?? []).map((p) => {
      const [host, container] = p.split(':').slice(-2);
      return { host: host!, container: container! };
    }),
  };
}
