import { isIP } from 'node:net';
import path from 'node:path';
import { clusterEntrySchema } from '../config/schema.js';
import { normalizeUrl } from '../config/url.js';
import type { Prompter } from './prompt.js';

/** `init`'s flags, as commander hands them over. The secret itself is never one of them. */
export interface InitFlags {
  url?: string;
  name?: string;
  user?: string;
  tokenId?: string;
  secretEnv?: string;
  secretFile?: string;
  fingerprint?: string;
  fetchFingerprint?: boolean;
  insecure?: boolean;
  readOnly?: boolean;
  role?: Role;
  output?: string;
  stdout?: boolean;
  force?: boolean;
  yes?: boolean;
}

export type Role = 'readonly' | 'operator';

export type TlsChoice = { kind: 'verify' } | { kind: 'fingerprint'; value: string } | { kind: 'insecure' };

export interface InitAnswers {
  name: string;
  /** Normalised https://host:port. */
  url: string;
  host: string;
  port: number;
  user: string;
  tokenId: string;
  secret: { kind: 'env'; variable: string } | { kind: 'file'; path: string };
  tls: TlsChoice;
  role: Role;
  readOnly: boolean;
}

/** A wrong or missing flag: the CLI prints it and exits 2. */
export class InitUsageError extends Error {}

export const DEFAULT_USER = 'mcp@pve';
export const DEFAULT_TOKEN_ID = 'mcp';

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ENV_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A field validator from the config schema, so init accepts exactly what the loader will. */
function schemaCheck(key: 'user' | 'token_id' | 'fingerprint'): (v: string) => string | undefined {
  const shape = clusterEntrySchema.shape[key];
  return (v) => {
    const r = shape.safeParse(v);
    return r.success ? undefined : `${key} ${r.error.issues[0]?.message ?? 'is invalid'}`;
  };
}

export const checks = {
  url: (v: string): string | undefined => {
    try {
      normalizeUrl(v);
      return undefined;
    } catch (err) {
      return `url ${(err as Error).message}`;
    }
  },
  name: (v: string) => (NAME_RE.test(v) ? undefined : 'cluster names use letters, digits, ".", "_" and "-"'),
  user: schemaCheck('user'),
  tokenId: schemaCheck('token_id'),
  fingerprint: schemaCheck('fingerprint'),
  envName: (v: string) =>
    ENV_RE.test(v) ? undefined : 'an environment variable name: letters, digits and "_"',
};

/** "pve1" for pve1.example.com, "pve" for an IP address. */
export function defaultName(host: string): string {
  const first = host.split('.')[0] ?? '';
  return !isIP(host) && NAME_RE.test(first) ? first : 'pve';
}

export function defaultSecretEnv(name: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_TOKEN_SECRET`.replace(/^(\d)/, '_$1');
}

function flag<T>(
  value: T | undefined,
  check: ((v: T) => string | undefined) | undefined,
  label: string,
): T | undefined {
  if (value === undefined) return undefined;
  const complaint = check?.(value);
  if (complaint) throw new InitUsageError(`${label}: ${complaint}`);
  return value;
}

/**
 * Every answer from its flag; a missing one from the prompter when there is one (a terminal), else from
 * its default, else a usage error. The order of questions follows the order of the file.
 */
export async function collectAnswers(
  flags: InitFlags,
  cwd: string,
  prompter: Prompter | undefined,
  /** Reads the server's certificate and decides what to pin (init/index.ts). */
  fetchTls: (target: { url: string; host: string; port: number }) => Promise<TlsChoice>,
): Promise<InitAnswers> {
  const tlsFlags = [flags.fingerprint !== undefined, !!flags.fetchFingerprint, !!flags.insecure].filter(
    Boolean,
  );
  if (tlsFlags.length > 1)
    throw new InitUsageError('give only one of --fingerprint, --fetch-fingerprint, --insecure');
  if (flags.secretEnv !== undefined && flags.secretFile !== undefined)
    throw new InitUsageError('give --secret-env or --secret-file, not both');

  let url = flag(flags.url, checks.url, '--url');
  if (url === undefined) {
    if (!prompter)
      throw new InitUsageError(
        '--url is required when no terminal is attached, e.g. proxmox-mcp init --url pve1.example.com:8006',
      );
    prompter.say(
      'The Proxmox VE node to talk to (any node of the cluster): host, host:port or https://host:port.\n',
    );
    url = await prompter.ask('URL', undefined, checks.url);
  }
  const { origin, host, port } = normalizeUrl(url);

  const name =
    flag(flags.name, checks.name, '--name') ??
    (prompter
      ? await prompter.ask('Name for this cluster', defaultName(host), checks.name)
      : defaultName(host));
  const user =
    flag(flags.user, checks.user, '--user') ??
    (prompter
      ? await prompter.ask('Proxmox user of the API token (user@realm)', DEFAULT_USER, checks.user)
      : DEFAULT_USER);
  const tokenId =
    flag(flags.tokenId, checks.tokenId, '--token-id') ??
    (prompter
      ? await prompter.ask(`Token id (the part after "${user}!")`, DEFAULT_TOKEN_ID, checks.tokenId)
      : DEFAULT_TOKEN_ID);

  let secret: InitAnswers['secret'];
  if (flags.secretFile !== undefined) secret = { kind: 'file', path: path.resolve(cwd, flags.secretFile) };
  else if (flags.secretEnv !== undefined)
    secret = { kind: 'env', variable: flag(flags.secretEnv, checks.envName, '--secret-env')! };
  else if (prompter) {
    prompter.say(
      'The token secret is never stored in clusters.json: it comes from an environment variable or a file.\n',
    );
    const where = await prompter.ask(
      'Read it from an environment variable or a file? (env/file)',
      'env',
      (a) => (/^(env|file)$/.test(a) ? undefined : 'answer env or file'),
    );
    secret =
      where === 'file'
        ? { kind: 'file', path: path.resolve(cwd, await prompter.ask('Path of the secret file')) }
        : {
            kind: 'env',
            variable: await prompter.ask('Environment variable', defaultSecretEnv(name), checks.envName),
          };
  } else secret = { kind: 'env', variable: defaultSecretEnv(name) };

  let tls: TlsChoice;
  const target = { url: origin, host, port };
  if (flags.fingerprint !== undefined)
    tls = {
      kind: 'fingerprint',
      value: clusterEntrySchema.shape.fingerprint.parse(
        flag(flags.fingerprint, checks.fingerprint, '--fingerprint'),
      )!,
    };
  else if (flags.fetchFingerprint) tls = await fetchTls(target);
  else if (flags.insecure) tls = { kind: 'insecure' };
  else if (
    prompter &&
    (await prompter.confirm(`Read the certificate fingerprint from ${origin} now (to pin it)?`, true))
  )
    tls = await fetchTls(target);
  else tls = { kind: 'verify' };

  const role =
    flags.role ??
    (prompter
      ? ((await prompter.ask(
          'What may the assistant do: readonly (look) or operator (also start/stop guests)?',
          'readonly',
          (a) => (/^(readonly|operator)$/.test(a) ? undefined : 'answer readonly or operator'),
        )) as Role)
      : 'readonly');
  // A read-only token cannot write anyway; saying so in the file makes refusals local and explicit.
  const readOnly = flags.readOnly ?? role === 'readonly';
  return { name, url: origin, host, port, user, tokenId, secret, tls, role, readOnly };
}
