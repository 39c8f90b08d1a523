import { ConfigError } from './errors.js';
import { configFileSchema } from './schema.js';
import type { ClusterConfig } from './types.js';
import { resolveConfigFile } from './resolve-file.js';
import { urlWithoutToken } from './env-hints.js';

/**
 * Single-cluster mode without a file: PROXMOX_URL plus either PROXMOX_TOKEN (`user@realm!id=secret`,
 * the value PVE shows when the token is created) or PROXMOX_USER / PROXMOX_TOKEN_ID /
 * PROXMOX_TOKEN_SECRET. Validated through the same schema as the file, so messages match.
 */
export function clusterFromEnv(env: Record<string, string | undefined>): ClusterConfig | undefined {
  const url = env.PROXMOX_URL?.trim();
  if (!url) return undefined;
  const source = 'environment';
  const name = env.PROXMOX_CLUSTER_NAME?.trim() || 'default';
  let user = env.PROXMOX_USER?.trim();
  let tokenId = env.PROXMOX_TOKEN_ID?.trim();
  let secret = env.PROXMOX_TOKEN_SECRET?.trim();
  const token = env.PROXMOX_TOKEN?.trim();
  if (token) {
    // PVEAPIToken value form; the secret follows the LAST "=", as PVE itself splits it.
    const m = /^(?:PVEAPIToken[= ])?([^!\s]+)!([^=\s]+)=(.+)$/.exec(token);
    if (!m) {
      throw new ConfigError(
        'must look like user@realm!tokenid=secret (the full token id, "=", then the secret)',
        source,
        'PROXMOX_TOKEN',
      );
    }
    [, user, tokenId, secret] = m;
  }
  const noToken = urlWithoutToken(env);
  if (noToken) throw noToken;
  if (!user)
    throw new ConfigError(
      'is not set (or set PROXMOX_TOKEN=user@realm!tokenid=secret)',
      source,
      'PROXMOX_USER',
    );
  if (!tokenId)
    throw new ConfigError(
      'is not set (or set PROXMOX_TOKEN=user@realm!tokenid=secret)',
      source,
      'PROXMOX_TOKEN_ID',
    );
  if (!secret)
    throw new ConfigError(
      'is not set (or set PROXMOX_TOKEN=user@realm!tokenid=secret)',
      source,
      'PROXMOX_TOKEN_SECRET',
    );
  const entry: Record<string, unknown> = { url, user, token_id: tokenId, token_secret: secret };
  const verify = env.PROXMOX_VERIFY_SSL?.trim().toLowerCase();
  if (verify) {
    if (['0', 'false', 'no', 'off'].includes(verify)) entry.verify_ssl = false;
    else if (!['1', 'true', 'yes', 'on'].includes(verify)) {
      throw new ConfigError(
        `"${env.PROXMOX_VERIFY_SSL}" is not a boolean (use true or false)`,
        source,
        'PROXMOX_VERIFY_SSL',
      );
    }
  }
  if (env.PROXMOX_FINGERPRINT?.trim()) entry.fingerprint = env.PROXMOX_FINGERPRINT.trim();
  if (env.PROXMOX_CA_FILE?.trim()) entry.ca_file = env.PROXMOX_CA_FILE.trim();
  if (env.PROXMOX_TIMEOUT_MS?.trim()) entry.timeout_ms = Number(env.PROXMOX_TIMEOUT_MS);
  // Reuse the file pipeline so every rule (url, user, fingerprint) is checked in one place; the
  // values were already taken from the environment, so no further interpolation is wanted.
  const parsed = configFileSchema.safeParse({ clusters: { [name]: entry } });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[issue.path.length - 1] ?? '');
    throw new ConfigError(issue.message, source, envNameFor(key));
  }
  return resolveConfigFile({ clusters: { [name]: entry } }, source, {}).clusters[0]!;
}

function envNameFor(key: string): string {
  const map: Record<string, string> = {
    url: 'PROXMOX_URL',
    user: 'PROXMOX_USER',
    token_id: 'PROXMOX_TOKEN_ID',
    fingerprint: 'PROXMOX_FINGERPRINT',
    timeout_ms: 'PROXMOX_TIMEOUT_MS',
  };
  return map[key] ?? key;
}
