import { ConfigError } from '../config/errors.js';
import { clusterFromEnv } from '../config/from-env.js';
import { loadConfig, resolveConfigFile, type LoadConfigOptions } from '../config/load.js';
import { locateConfig } from '../config/locate.js';
import type { LoadedConfig } from '../config/types.js';

/**
 * `check` loads the configuration like the server does, except that a secret it cannot read does not
 * stop it: DNS, TCP and TLS need no secret, and a first-time user without one yet needs exactly those
 * answers (and the fingerprint line). Such a cluster gets a placeholder that is never sent (the doctor
 * skips every step that would send it) and the reason, for the report.
 */
export interface CheckConfig {
  loaded: LoadedConfig;
  missingSecrets: Record<string, { reason: string; fix: string[] }>;
}

const PLACEHOLDER = 'not-a-secret-never-sent';

export async function loadForCheck(opts: LoadConfigOptions): Promise<CheckConfig> {
  let missing: string | undefined;
  try {
    return { loaded: await loadConfig(opts), missingSecrets: {} };
  } catch (err) {
    if (!(err instanceof ConfigError) || !isSecretProblem(err)) throw err;
    missing = err.keyPath;
  }
  const found = await locateConfig(opts);
  if (!found) return fromEnvWithoutSecret(opts.env, missing);
  const missingSecrets: CheckConfig['missingSecrets'] = {};
  const raw = structuredClone(found.config) as { clusters?: Record<string, Record<string, unknown>> };
  // One cluster per round: each resolve stops at the first problem.
  for (let round = 0; round <= Object.keys(raw.clusters ?? {}).length; round++) {
    try {
      const loaded = resolveConfigFile(raw, found.filepath, opts.env);
      return { loaded: { ...loaded, via: found.via }, missingSecrets };
    } catch (err) {
      const name = err instanceof ConfigError ? secretClusterOf(err) : undefined;
      const entry = name !== undefined ? raw.clusters?.[name] : undefined;
      if (!name || !entry || missingSecrets[name]) throw err;
      missingSecrets[name] = secretAdvice(err as ConfigError);
      delete entry.token_secret_file;
      entry.token_secret = PLACEHOLDER;
    }
  }
  throw new Error('unreachable: every cluster was given a placeholder secret');
}

/** What is missing, and the one step that provides it. */
function secretAdvice(err: ConfigError): { reason: string; fix: string[] } {
  const message = withoutSource(err).replace(/^[^:]*: /, '');
  const variable = /environment variable (\w+) is not set/.exec(message)?.[1];
  const again = 'then run proxmox-mcp check again (with the environment your MCP client gives the server)';
  if (variable)
    return {
      reason: `${err.keyPath} reads \${${variable}}, which is not set`,
      fix: [`export ${variable}='<the token secret>'`, again],
    };
  return {
    reason: `${err.keyPath}: ${message}`,
    fix: [`fix ${err.keyPath} in ${err.source ?? 'the file'}`, again],
  };
}

function isSecretProblem(err: ConfigError): boolean {
  return (
    secretClusterOf(err) !== undefined ||
    /^PROXMOX_(USER|TOKEN_ID|TOKEN_SECRET)$/.test(err.keyPath ?? '') ||
    (err.keyPath === 'PROXMOX_TOKEN' && /^is not set/.test(err.message.replace(/^[^:]*: [^:]*: /, '')))
  );
}

function secretClusterOf(err: ConfigError): string | undefined {
  return /^clusters\.([^.]+)\.token_secret(_file)?$/.exec(err.keyPath ?? '')?.[1];
}

/** The message without the leading "file: " the ConfigError adds. */
function withoutSource(err: ConfigError): string {
  return err.source && err.message.startsWith(`${err.source}: `)
    ? err.message.slice(err.source.length + 2)
    : err.message;
}

/** PROXMOX_URL without (all of) the token: check the network with a placeholder token. */
function fromEnvWithoutSecret(
  env: Record<string, string | undefined>,
  missing = 'PROXMOX_TOKEN',
): CheckConfig {
  const cluster = clusterFromEnv({
    ...env,
    PROXMOX_TOKEN: undefined,
    PROXMOX_USER: env.PROXMOX_USER?.trim() || 'not-set@pve',
    PROXMOX_TOKEN_ID: env.PROXMOX_TOKEN_ID?.trim() || 'not-set',
    PROXMOX_TOKEN_SECRET: PLACEHOLDER,
  });
  if (!cluster) throw new Error('unreachable: PROXMOX_URL is set');
  return {
    loaded: { source: 'environment', defaultCluster: cluster.name, clusters: [cluster] },
    missingSecrets: {
      [cluster.name]: {
        reason:
          missing === 'PROXMOX_TOKEN'
            ? 'PROXMOX_URL is set, PROXMOX_TOKEN is not'
            : `PROXMOX_URL is set, ${missing} is not`,
        fix: [
          missing === 'PROXMOX_TOKEN'
            ? "export PROXMOX_TOKEN='user@realm!tokenid=<secret>'   (as PVE showed it when the token was created)"
            : `export ${missing}=…   (or PROXMOX_TOKEN='user@realm!tokenid=<secret>' instead of the three)`,
        ],
      },
    },
  };
}
