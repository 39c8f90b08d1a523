import type { ClusterConfig } from '../config/types.js';
import type { ConfigOrigin } from './report.js';

/** What every probe of one cluster knows: the cluster, and how to name its settings in advice. */
export interface ProbeContext {
  cluster: ClusterConfig;
  origin: ConfigOrigin;
  /** The token id as PVE writes it: user@realm!tokenid. */
  token: string;
}

const ENV_NAMES: Record<string, string> = {
  url: 'PROXMOX_URL',
  fingerprint: 'PROXMOX_FINGERPRINT',
  verify_ssl: 'PROXMOX_VERIFY_SSL',
  ca_file: 'PROXMOX_CA_FILE',
  timeout_ms: 'PROXMOX_TIMEOUT_MS',
  token_secret: 'PROXMOX_TOKEN (the part after "=") or PROXMOX_TOKEN_SECRET',
};

/** "clusters.prod.url in /etc/clusters.json" or "PROXMOX_URL": where the user changes a setting. */
export function settingName(ctx: ProbeContext, key: string): string {
  if (ctx.origin.kind === 'environment') return ENV_NAMES[key] ?? key;
  return `clusters.${ctx.cluster.name}.${key} in ${ctx.origin.file}`;
}

/** The exact line to paste for a setting: a JSON member for a file, NAME=value for the environment. */
export function settingLine(ctx: ProbeContext, key: string, value: string): string {
  if (ctx.origin.kind === 'environment') return `${ENV_NAMES[key] ?? key}=${value}`;
  return `${JSON.stringify(key)}: ${JSON.stringify(value)}`;
}

export function contextFor(cluster: ClusterConfig, origin: ConfigOrigin): ProbeContext {
  const token =
    cluster.tokenFrom === 'user'
      ? 'each person\'s own (token_from "user")'
      : `${cluster.user}!${cluster.tokenId}`;
  return { cluster, origin, token };
}
