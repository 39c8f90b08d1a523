import type { LoadedConfig } from './config/types.js';
import { ClusterRegistry } from './clusters/registry.js';
import { createLogger, type Logger, type LogLevel } from './logger.js';
import { SecretRedactor } from './redact.js';
import { VERSION } from './version.js';

export interface RuntimeOptions {
  /** --read-only / PROXMOX_MCP_READ_ONLY: forces every cluster read-only; the string names the setting. */
  readOnlySource?: string;
  logLevel?: LogLevel;
  logFormat?: 'text' | 'json';
  writeLog: (line: string) => void;
  /** Extra secrets to scrub (e.g. the HTTP bearer token). */
  extraSecrets?: string[];
}

export interface Runtime {
  registry: ClusterRegistry;
  logger: Logger;
  redactor: SecretRedactor;
  config: LoadedConfig;
}

/** Everything a transport needs, built once from a loaded config. */
export function buildRuntime(loaded: LoadedConfig, opts: RuntimeOptions): Runtime {
  const redactor = new SecretRedactor();
  for (const c of loaded.clusters) redactor.add(c.tokenSecret);
  for (const s of opts.extraSecrets ?? []) redactor.add(s);
  const logger = createLogger({
    level: opts.logLevel,
    format: opts.logFormat,
    write: opts.writeLog,
    redact: redactor.redact,
  });
  const config: LoadedConfig = opts.readOnlySource
    ? {
        ...loaded,
        clusters: loaded.clusters.map((c) => ({
          ...c,
          readOnly: true,
          readOnlySource: c.readOnlySource ?? opts.readOnlySource,
        })),
      }
    : loaded;
  const registry = new ClusterRegistry(config, { logger, userAgent: `proxmox-mcp/${VERSION}` });
  return { registry, logger, redactor, config };
}
