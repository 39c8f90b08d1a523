import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { ConfigError } from './errors.js';
import { interpolateEnv } from './interpolate.js';
import { configFileSchema, type ClusterEntry } from './schema.js';
import { resolveAccess } from './access.js';
import {
  DEFAULT_TIMEOUT_MS,
  type AccessSetting,
  type ClusterConfig,
  type ConfirmationMode,
  type ConfirmationSetting,
  type LoadedConfig,
  type TlsSettings,
} from './types.js';
import { normalizeUrl } from './url.js';
import { unknownKeysMessage } from './unknown-keys.js';
import { resolvePolicy, type PolicyEntry } from '../safety/policy.js';
import { ruleProblem } from '../safety/rules.js';

/**
 * Turns a parsed config file (or the one-cluster file the environment makes, config/from-env.ts) into
 * the resolved configuration: validated, interpolated, secrets read. Both config/load.ts and
 * config/from-env.ts build on it, so it sits below them.
 */
export function resolveConfigFile(
  raw: unknown,
  source: string,
  env: Record<string, string | undefined>,
): LoadedConfig {
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) throw zodToConfigError(parsed.error, source);
  const file = parsed.data;
  const names = Object.keys(file.clusters);
  if (names.length === 0)
    throw new ConfigError('has no entries; add at least one cluster', source, 'clusters');
  const globalPolicy = file.policy
    ? checkPolicy(interpolateEnv(file.policy, env, source, ['policy']) as PolicyEntry, source, 'policy')
    : undefined;
  const globalAccess = file.access ? resolveAccess(file.access, `top-level access in ${source}`) : undefined;
  const clusters = names.map((name) =>
    resolveCluster(name, file.clusters[name]!, source, env, path.dirname(source), {
      readOnly: file.read_only ?? false,
      policy: globalPolicy,
      confirmation: file.confirmation,
      access: globalAccess,
    }),
  );
  const auditLog =
    file.audit_log !== undefined
      ? path.resolve(
          path.dirname(source),
          interpolateEnv(file.audit_log, env, source, ['audit_log']) as string,
        )
      : undefined;
  let defaultCluster: string;
  if (file.default !== undefined) {
    if (!names.includes(file.default)) {
      throw new ConfigError(
        `"${file.default}" is not a cluster in this file (clusters: ${names.join(', ')})`,
        source,
        'default',
      );
    }
    defaultCluster = file.default;
  } else if (names.length === 1) {
    defaultCluster = names[0]!;
  } else {
    defaultCluster = names[0]!;
  }
  return { source, defaultCluster, clusters, ...(auditLog ? { auditLog } : {}) };
}

/** Rules were checked by the schema; `${VAR}` interpolation may have changed them, so check again. */
function checkPolicy(entry: PolicyEntry, source: string, at: string): PolicyEntry {
  for (const key of ['allow', 'deny', 'confirm'] as const) {
    entry[key]?.forEach((rule, i) => {
      const problem = ruleProblem(rule);
      if (problem) throw new ConfigError(problem, source, `${at}.${key}.${i}`);
    });
  }
  return entry;
}

function resolveCluster(
  name: string,
  entry: ClusterEntry,
  source: string,
  env: Record<string, string | undefined>,
  baseDir: string,
  defaults: {
    readOnly: boolean;
    policy: PolicyEntry | undefined;
    confirmation?: ConfirmationMode;
    access?: AccessSetting;
  },
): ClusterConfig {
  const fileReadOnly = defaults.readOnly;
  const at = (key: string) => `clusters.${name}.${key}`;
  const e = interpolateEnv(entry, env, source, ['clusters', name]) as ClusterEntry;
  let url;
  try {
    url = normalizeUrl(e.url);
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}`, source, at('url'));
  }
  const token =
    e.token_from === 'user' ? personalTokenCluster(e, source, at) : configuredToken(e, source, baseDir, at);
  const tls = resolveTls(e, source, baseDir, at);
  return {
    name,
    origin: url.origin,
    host: url.host,
    port: url.port,
    ...token,
    tls,
    readOnly: e.read_only ?? fileReadOnly,
    readOnlySource:
      e.read_only === true
        ? `read_only: true for cluster "${name}" in ${source}`
        : e.read_only === undefined && fileReadOnly
          ? `top-level read_only: true in ${source}`
          : undefined,
    timeoutMs: e.timeout_ms ?? DEFAULT_TIMEOUT_MS,
    policy: resolvePolicy(
      defaults.policy,
      e.policy ? checkPolicy(e.policy, source, at('policy')) : undefined,
      name,
      source,
    ),
    ...confirmationOf(e.confirmation, defaults.confirmation, name, source),
    ...accessOf(e, defaults.access, name, source),
  };
}

/** The cluster's own `access` replaces the top-level one as a whole (roles are read together). */
function accessOf(
  e: ClusterEntry,
  top: AccessSetting | undefined,
  name: string,
  source: string,
): { access?: AccessSetting } {
  if (e.access) return { access: resolveAccess(e.access, `access of cluster "${name}" in ${source}`) };
  return top ? { access: top } : {};
}

type TokenFields = Pick<ClusterConfig, 'user' | 'tokenId' | 'tokenSecret' | 'tokenFrom'>;

/**
 * `token_from: "user"`: each person's request carries their own token, so the entry names none; a
 * token given anyway would be a second identity nobody could tell apart from the person's.
 */
function personalTokenCluster(e: ClusterEntry, source: string, at: (k: string) => string): TokenFields {
  for (const key of ['user', 'token_id', 'token_secret', 'token_secret_file'] as const) {
    if (e[key] !== undefined)
      throw new ConfigError(
        `must be left out: token_from is "user", so each person's request carries their own API token (user@realm!tokenid=secret in the X-Proxmox-Token header) and the server holds none. Remove ${key}, or remove token_from to use this entry's token for everyone`,
        source,
        at(key),
      );
  }
  return { user: '', tokenId: '', tokenSecret: '', tokenFrom: 'user' };
}

function configuredToken(
  e: ClusterEntry,
  source: string,
  baseDir: string,
  at: (k: string) => string,
): TokenFields {
  if (e.user === undefined)
    throw new ConfigError(
      'is required: the PVE user of the API token, e.g. "mcp@pve" (or set token_from: "user" so each person sends their own token)',
      source,
      at('user'),
    );
  if (e.token_id === undefined)
    throw new ConfigError(
      'is required: the token name, e.g. "mcp" for mcp@pve!mcp (or set token_from: "user" so each person sends their own token)',
      source,
      at('token_id'),
    );
  if (e.token_secret !== undefined && e.token_secret_file !== undefined) {
    throw new ConfigError(
      'give token_secret or token_secret_file, not both',
      source,
      at('token_secret_file'),
    );
  }
  let tokenSecret: string;
  if (e.token_secret_file !== undefined) {
    const file = path.resolve(baseDir, e.token_secret_file);
    tokenSecret = readNamedFile(file, source, at('token_secret_file')).trim();
    if (!tokenSecret) throw new ConfigError(`${file} is empty`, source, at('token_secret_file'));
  } else if (e.token_secret !== undefined) {
    tokenSecret = e.token_secret;
  } else {
    throw new ConfigError(
      'is missing: set token_secret (literal or "${ENV_VAR}") or token_secret_file',
      source,
      at('token_secret'),
    );
  }
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(tokenSecret)) {
    throw new ConfigError(
      'contains whitespace or a control character (a pasted newline?); a PVE token secret is a UUID',
      source,
      at(e.token_secret_file !== undefined ? 'token_secret_file' : 'token_secret'),
    );
  }
  return { user: e.user, tokenId: e.token_id, tokenSecret };
}

/** The cluster's own `confirmation` wins over the top-level one; neither: the default (no key). */
function confirmationOf(
  own: ConfirmationMode | undefined,
  top: ConfirmationMode | undefined,
  name: string,
  source: string,
): { confirmation?: ConfirmationSetting } {
  if (own)
    return {
      confirmation: { mode: own, source: `confirmation: "${own}" for cluster "${name}" in ${source}` },
    };
  if (top) return { confirmation: { mode: top, source: `top-level confirmation: "${top}" in ${source}` } };
  return {};
}

function resolveTls(
  e: ClusterEntry,
  source: string,
  baseDir: string,
  at: (k: string) => string,
): TlsSettings {
  const modes = [
    e.fingerprint ? 'fingerprint' : '',
    e.ca_file ? 'ca_file' : '',
    e.verify_ssl === false ? 'verify_ssl: false' : '',
  ].filter(Boolean);
  if (modes.length > 1) {
    throw new ConfigError(
      `choose one TLS setting, not ${modes.join(' and ')}`,
      source,
      at(e.fingerprint ? 'fingerprint' : 'ca_file'),
    );
  }
  if (e.fingerprint) return { mode: 'fingerprint', fingerprint: e.fingerprint };
  if (e.verify_ssl === false) return { mode: 'insecure' };
  if (e.ca_file) {
    const file = path.resolve(baseDir, e.ca_file);
    return { mode: 'verify', ca: readNamedFile(file, source, at('ca_file')), caFile: file };
  }
  return { mode: 'verify' };
}

function zodToConfigError(error: z.ZodError, source: string): ConfigError {
  // "tokenid" suggests "token_id": then "token_id: is required" only repeats it.
  const suggested = new Set<string>();
  const unknown = new Map<z.core.$ZodIssue, string>();
  for (const issue of error.issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const u = unknownKeysMessage(issue.keys, issue.path);
    for (const k of u.suggested) suggested.add([...issue.path.map(String), k].join('.'));
    unknown.set(issue, u.message);
  }
  const issues = error.issues.filter(
    (i) => !(i.code === 'invalid_type' && suggested.has(i.path.map(String).join('.'))),
  );
  const lines = issues.map((issue) => {
    const keyPath = issue.path.map(String).join('.');
    let msg = issue.message;
    if (issue.code === 'unrecognized_keys') {
      msg = unknown.get(issue)!;
    } else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
      msg = 'is required';
    }
    return keyPath ? `${keyPath}: ${msg}` : msg;
  });
  const first = issues[0];
  return new ConfigError(
    lines.length === 1 ? lines[0]!.replace(/^[^:]*: /, '') : `\n  ${lines.join('\n  ')}`,
    source,
    lines.length === 1 && first && first.path.length ? first.path.map(String).join('.') : undefined,
  );
}

/** A file the config names (a token secret, a CA): unreadable is the config's error, at its key. */
function readNamedFile(file: string, source: string, key: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      source,
      key,
    );
  }
}
