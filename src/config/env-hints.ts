import { ConfigError } from './errors.js';

/**
 * Single-cluster settings given only in part, said in the user's terms with the one line that
 * completes them (rather than "no cluster is configured", or the first of the split variables).
 */
export function tokenWithoutUrl(env: Record<string, string | undefined>): ConfigError | undefined {
  if (env.PROXMOX_URL?.trim()) return undefined;
  const given = ['PROXMOX_TOKEN', 'PROXMOX_USER', 'PROXMOX_TOKEN_ID', 'PROXMOX_TOKEN_SECRET'].filter((k) =>
    env[k]?.trim(),
  );
  if (!given.length) return undefined;
  return new ConfigError(
    `${given.join(', ')} ${given.length > 1 ? 'are' : 'is'} set but PROXMOX_URL is not, so no cluster is configured. ` +
      'Add the address of any node of the cluster: PROXMOX_URL=https://pve1.example.com:8006 ' +
      '(or put the cluster in clusters.json: proxmox-mcp init).',
    'environment',
  );
}

/** PROXMOX_URL with none of the token variables. */
export function urlWithoutToken(env: Record<string, string | undefined>): ConfigError | undefined {
  const any = ['PROXMOX_TOKEN', 'PROXMOX_USER', 'PROXMOX_TOKEN_ID', 'PROXMOX_TOKEN_SECRET'].some((k) =>
    env[k]?.trim(),
  );
  if (any) return undefined;
  return new ConfigError(
    "is not set: PROXMOX_URL says where the cluster is, the API token says who you are. Add PROXMOX_TOKEN='user@realm!tokenid=<secret>' (the value PVE shows once when the token is created), or PROXMOX_USER, PROXMOX_TOKEN_ID and PROXMOX_TOKEN_SECRET",
    'environment',
    'PROXMOX_TOKEN',
  );
}
