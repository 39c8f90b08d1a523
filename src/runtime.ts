import type { LoadedConfig } from './config/types.js';
import { forceReadOnly } from './config/force-read-only.js';
import { ClusterRegistry } from './clusters/registry.js';
import { createLogger, type Logger, type LogLevel } from './logger.js';
import { SecretRedactor } from './redact.js';
import { SchemaStore } from './schema/index.js';
import { createAudit } from './safety/audit.js';
import { VERSION } from './version.js';

export interface RuntimeOptions {
  /** --read-only / PROXMOX_MCP_READ_ONLY: forces every cluster read-only; the string names the setting. */
  readOnlySource?: string;
  logLevel?: LogLevel;
  logFormat?: 'text' | 'json';
  writeLog: (line: string) => void;
  /** Disk cache for cluster API schemas (the CLI passes the user cache dir); null/absent: memory only. */
  schemaCacheDir?: string | null;
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
  // Said at start-up (stderr) and by list_clusters: which of a file and the environment is used.
  if (loaded.configChoice) logger.warn(`configuration: ${loaded.configChoice}`);
  const config = forceReadOnly(loaded, opts.readOnlySource);
  // Every request of every cluster passes the policy (the client runs it itself) and is seen by the
  // audit, so no tool (curated or raw) can bypass either. The audit writes its "sent" record before
  // each request leaves and refuses the request when it cannot (audit.ts).
  const audit = createAudit({ logger, file: config.auditLog, redact: redactor.redact });
  const registry = new ClusterRegistry(
    config,
    {
      logger,
      userAgent: `proxmox-mcp/${VERSION}`,
      beforeSend: [audit.beforeSend],
      observers: [audit.observer],
    },
    new SchemaStore({
      cacheDir: opts.schemaCacheDir ?? null,
      logger: { debug: (m) => logger.debug(m), warn: (m) => logger.warn(m) },
    }),
  );
  return { registry, logger, redactor, config };
}
