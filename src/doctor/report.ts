/**
 * The JSON shape of `proxmox-mcp check --json` (and what the text renderer reads). Versioned: fields
 * may be added, never renamed or removed, within `reportVersion` 1.
 */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export type CheckId = 'dns' | 'tcp' | 'tls' | 'token' | 'privileges' | 'schema';

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  /** One line: what was found. */
  summary: string;
  /** What to do about it, line by line; commands and config lines are given verbatim. */
  fix?: string[];
  durationMs?: number;
}

export interface CertificateFacts {
  subject: string;
  issuer: string;
  /** ISO 8601. */
  validFrom: string;
  validTo: string;
  /** Whole days until validTo (negative once expired). */
  daysLeft: number;
  /** SHA-256 of the DER, uppercase hex pairs joined by ':' (the PVE GUI's format). */
  fingerprint256: string;
  selfSigned: boolean;
}

export interface PrivilegeNeed {
  path: string;
  privilege: string;
  /** What it is for, e.g. "guests (get_cluster_resources, get_guest)". */
  usedBy: string;
  /** A built-in role that grants it. */
  role: string;
  /** 'yes' on the path itself, 'partly' only below it (some guests/storages), 'no' nowhere. */
  granted: 'yes' | 'partly' | 'no';
  /** For 'partly': the paths that have it. */
  onlyOn?: string[];
}

export interface PrivilegeReport {
  read: PrivilegeNeed[];
  /** Empty when the cluster is read-only (writes are refused locally, so nothing is needed). */
  write: PrivilegeNeed[];
  /** What /access/permissions returned: path → privileges. */
  effective: Record<string, string[]>;
}

export interface ClusterReport {
  name: string;
  /** https://host:port */
  url: string;
  /** user@realm!tokenid (never the secret). */
  token: string;
  tls: 'verify' | 'fingerprint' | 'insecure';
  readOnly: boolean;
  /** What `confirm` rules do when the person cannot be asked (absent when read-only). */
  confirmation?: string;
  /** Read access works: the assistant can use this cluster. */
  usable: boolean;
  pveVersion?: string;
  addresses?: string[];
  certificate?: CertificateFacts;
  privileges?: PrivilegeReport;
  checks: CheckResult[];
  durationMs: number;
}

export type ConfigOrigin =
  { kind: 'file'; file: string; via?: string } | { kind: 'environment'; variables: string[] };

export interface DoctorReport {
  reportVersion: 1;
  proxmoxMcp: string;
  config: ConfigOrigin;
  /** Every checked cluster is usable: `check` exits 0. */
  usable: boolean;
  clusters: ClusterReport[];
}
