/** A cluster entry after validation, interpolation and secret resolution: what the client is built from. */
export interface ClusterConfig {
  name: string;
  /** https://host:port — no path; the client adds /api2/json. */
  origin: string;
  host: string;
  port: number;
  user: string;
  tokenId: string;
  tokenSecret: string;
  tls: TlsSettings;
  readOnly: boolean;
  /** Which setting made this cluster read-only, quoted in refusals ("read_only in clusters.json", "--read-only"). */
  readOnlySource?: string;
  timeoutMs: number;
}

export type TlsSettings =
  | { mode: 'verify'; ca?: string; caFile?: string }
  | { mode: 'fingerprint'; fingerprint: string }
  | { mode: 'insecure' };

export interface LoadedConfig {
  /** Where the clusters came from: a file path, or 'environment'. */
  source: string;
  defaultCluster: string;
  clusters: ClusterConfig[];
}

export const DEFAULT_PORT = 8006;
export const DEFAULT_TIMEOUT_MS = 30_000;
