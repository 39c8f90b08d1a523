import { appendFileSync, closeSync, openSync } from 'node:fs';
import type { Logger } from '../logger.js';
import type { RequestEvent, RequestObserver } from '../proxmox/client.js';
import { ProxmoxHttpError } from '../proxmox/errors.js';
import { redactParams } from './redact-params.js';

/** One line of the audit log. Field names are part of the public interface (people grep them). */
export interface AuditRecord {
  time: string;
  cluster: string;
  tool?: string;
  method: string;
  path: string;
  params: Record<string, unknown>;
  /** ok: PVE accepted it; error: PVE or the network failed it; refused: stopped here, never sent. */
  outcome: 'ok' | 'error' | 'refused';
  status?: number;
  message?: string;
  upid?: string;
  duration_ms: number;
}

export interface AuditOptions {
  logger: Logger;
  /** Append every record to this file too (created 0600). */
  file?: string;
  now?: () => Date;
  /** Scrubs known secrets from the file's lines (the logger already scrubs its own). */
  redact?: (text: string) => string;
}

/**
 * Records every request that is not a GET (what changes things, or tried to) as one JSON line on
 * stderr through the logger and, when configured, in the audit file. Secrets in parameters become
 * "***". Writing the file is synchronous so the line exists before the tool result is returned; a
 * write failure is logged and never fails the request (the request has already happened).
 */
export function createAuditObserver(opts: AuditOptions): RequestObserver {
  if (opts.file) probeFile(opts.file, opts.logger);
  return (event) => {
    if (event.method === 'GET') return;
    const record = auditRecord(event, (opts.now ?? (() => new Date()))());
    if (opts.logger.format === 'json') opts.logger.info('audit', { ...record });
    else opts.logger.info(`audit ${JSON.stringify(record)}`);
    if (opts.file) {
      try {
        const line = JSON.stringify(record);
        appendFileSync(opts.file, (opts.redact ? opts.redact(line) : line) + '\n', { mode: 0o600 });
      } catch (err) {
        opts.logger.error('cannot append to the audit log', { file: opts.file, error: errText(err) });
      }
    }
  };
}

export function auditRecord(event: RequestEvent, now: Date): AuditRecord {
  const upid = typeof event.data === 'string' && event.data.startsWith('UPID:') ? event.data : undefined;
  const status = event.error instanceof ProxmoxHttpError ? event.error.status : event.status;
  return {
    time: now.toISOString(),
    cluster: event.cluster,
    ...(event.toolName ? { tool: event.toolName } : {}),
    method: event.method,
    path: event.path,
    params: redactParams(event.params),
    outcome: event.refused ? 'refused' : event.error ? 'error' : 'ok',
    ...(status !== undefined ? { status } : {}),
    ...(event.error ? { message: event.error.message } : {}),
    ...(upid ? { upid } : {}),
    duration_ms: event.durationMs,
  };
}

/** Creates the file at start-up (0600) so a wrong path is reported now, not at the first action. */
function probeFile(file: string, logger: Logger): void {
  try {
    closeSync(openSync(file, 'a', 0o600));
  } catch (err) {
    logger.error('the audit log cannot be written; actions still run and are logged to stderr only', {
      file,
      error: errText(err),
    });
  }
}

function errText(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
}
