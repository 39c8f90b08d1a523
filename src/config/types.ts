import type { ClusterPolicy } from '../safety/policy.js';
import type { AccessSetting } from './access-types.js';

export { ROLES, type AccessSetting, type Role } from './access-types.js';

/** A cluster entry after validation, interpolation and secret resolution: what the client is built from. */
export interface ClusterConfig {
  name: string;
  /** https://host:port — no path; the client adds /api2/json. */
  origin: string;
  host: string;
  port: number;
  /** The token's user and id, and its secret; all three empty when `tokenFrom` is "user". */
  user: string;
  tokenId: string;
  tokenSecret: string;
  /** `user`: each request carries the person's own PVE API token (X-Proxmox-Token); no token of ours. */
  tokenFrom?: 'user';
  tls: TlsSettings;
  readOnly: boolean;
  /** Which setting made this cluster read-only, quoted in refusals ("read_only in clusters.json", "--read-only"). */
  readOnlySource?: string;
  timeoutMs: number;
  /** Request policy (deny/allow/confirm); undefined means the built-in default (confirm list only). */
  policy?: ClusterPolicy;
  /** What a `confirm` rule does when the person cannot be asked; undefined: the default (see below). */
  confirmation?: ConfirmationSetting;
  /** Per-person roles (clusters.json `access`); applied only to requests of a signed-in person (OAuth). */
  access?: AccessSetting;
}

/**
 * `client-approval`: a client that declared no MCP elicitation gets the request sent, and its own
 * approval of destructive tools is the check (the default). `strict`: refused instead. Where the
 * server cannot carry a question at all (--stateless HTTP), only an explicit `client-approval` sends.
 */
export type ConfirmationMode = 'client-approval' | 'strict';
export const CONFIRMATION_MODES: readonly ConfirmationMode[] = ['client-approval', 'strict'];

/** An explicit setting, with where it was made (quoted in refusals and by `check`). */
export interface ConfirmationSetting {
  mode: ConfirmationMode;
  source: string;
}

export type TlsSettings =
  | { mode: 'verify'; ca?: string; caFile?: string }
  | { mode: 'fingerprint'; fingerprint: string }
  | { mode: 'insecure' };

export interface LoadedConfig {
  /** Where the clusters came from: a file path, or 'environment'. */
  source: string;
  /** How the file was found (`--config`, `PROXMOX_MCP_CONFIG`, working directory, user config dir). */
  via?: string;
  defaultCluster: string;
  clusters: ClusterConfig[];
  /** Absolute path of the audit log file (`audit_log` or PROXMOX_MCP_AUDIT_LOG), if any. */
  auditLog?: string;
  /** Which of a config file and the environment is used and why, when both were present. */
  configChoice?: string;
}

export const DEFAULT_PORT = 8006;
export const DEFAULT_TIMEOUT_MS = 30_000;
