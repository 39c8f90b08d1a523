import { appendFileSync, closeSync, openSync } from 'node:fs';
import { clip } from '../clip.js';
import type { Logger } from '../logger.js';
import type {
  AuditPerson,
  BeforeSend,
  OutgoingRequest,
  RequestEvent,
  RequestObserver,
} from '../proxmox/client.js';
import { ProxmoxHttpError, ProxmoxRefusedError } from '../proxmox/errors.js';
import { maskedValues, redactParams, scrubValues } from './redact-params.js';

/**
 * One line of the audit log. Field names are part of the public interface (people grep them).
 *
 * Every request that is not a GET gets two lines sharing an `id`: `phase: "sent"`, written before the
 * request leaves, and `phase: "result"` with its outcome. A request refused here (read-only, policy,
 * not confirmed, not flat, audit unwritable) was never sent and has one line: `phase: "result"`,
 * `outcome: "refused"`, no id.
 */
export interface AuditRecord {
  time: string;
  id?: string;
  phase: 'sent' | 'result';
  cluster: string;
  tool?: string;
  /** The person who signed in (OAuth) and made the request: the token's `sub` and a readable name. */
  person?: AuditPerson;
  method: string;
  path: string;
  params: Record<string, unknown>;
  /** ok: PVE accepted it; error: PVE, the network or we failed it; refused: stopped here, never sent. */
  outcome?: 'ok' | 'error' | 'refused';
  status?: number;
  message?: string;
  upid?: string;
  duration_ms?: number;
}

export interface AuditOptions {
  logger: Logger;
  /** Append every record to this file too (created 0600). */
  file?: string;
  /** The setting that named the file, for messages (default `audit_log`). */
  fileSetting?: string;
  now?: () => Date;
  /** Scrubs known secrets from the file's lines (the logger already scrubs its own). */
  redact?: (text: string) => string;
}

export interface Audit {
  /** Writes the "sent" record; throws a refusal when it cannot (the request is then not sent). */
  beforeSend: BeforeSend;
  /** Writes the "result" record (and the one line of a refusal). */
  observer: RequestObserver;
}

/** Longest error message kept in a record: enough for PVE's texts, bounded for hostile ones. */
const MAX_MESSAGE_CHARS = 1000;

/**
 * The audit trail of everything that changes, or tried to change, a cluster: each record is one JSON
 * line on stderr through the logger and, when configured, in the audit file. Secret parameter values
 * become "***" (redact-params.ts).
 *
 * The "sent" record is appended synchronously before the request leaves. When an audit file is
 * configured and the line cannot be written (full disk, permissions, a directory, a missing
 * directory) or the record cannot be built, the request is refused: an action nobody can trace is
 * worse than one not taken. The outcome record comes after the answer; if that write fails the
 * action has already happened, so it is reported on stderr and the tool result stands.
 */
export function createAudit(opts: AuditOptions): Audit {
  const now = opts.now ?? (() => new Date());
  const setting = opts.fileSetting ?? 'audit_log';
  if (opts.file) probeFile(opts.file, setting, opts.logger);

  const log = (record: AuditRecord): void => {
    if (opts.logger.format === 'json') opts.logger.info('audit', { ...record });
    else opts.logger.info(`audit ${JSON.stringify(record)}`);
  };
  const append = (record: AuditRecord): void => {
    if (!opts.file) return;
    const line = JSON.stringify(record);
    appendFileSync(opts.file, (opts.redact ? opts.redact(line) : line) + '\n', { mode: 0o600 });
  };

  return {
    beforeSend: (req) => {
      if (req.method === 'GET') return;
      let record: AuditRecord;
      try {
        record = sentRecord(req, now());
        append(record);
      } catch (err) {
        const why = errText(err);
        opts.logger.error('the audit record could not be written; the request was not sent', {
          ...(opts.file ? { file: opts.file } : {}),
          error: why,
        });
        throw new ProxmoxRefusedError(
          'REFUSED',
          opts.file
            ? `refused ${req.method} ${req.path}: the audit log (${setting}: ${opts.file}) cannot be written (${why}), and nothing is sent that is not recorded there first. Nothing was sent. Fix the file or its directory (space, permissions), or change ${setting}.`
            : `refused ${req.method} ${req.path}: its audit record could not be made (${why}). Nothing was sent.`,
          { cluster: req.cluster, method: req.method, path: req.path },
          setting,
        );
      }
      log(record);
    },
    observer: (event) => {
      if (event.method === 'GET') return;
      let record: AuditRecord;
      try {
        record = resultRecord(event, now());
      } catch (err) {
        opts.logger.error('the audit outcome record could not be built', {
          id: event.id,
          error: errText(err),
        });
        return;
      }
      log(record);
      try {
        append(record);
      } catch (err) {
        opts.logger.error('cannot append to the audit log', { file: opts.file, error: errText(err) });
      }
    },
  };
}

export function sentRecord(req: OutgoingRequest, now: Date): AuditRecord {
  return {
    time: now.toISOString(),
    id: req.id,
    phase: 'sent',
    cluster: req.cluster,
    ...(req.toolName ? { tool: req.toolName } : {}),
    ...(req.person ? { person: req.person } : {}),
    method: req.method,
    path: req.path,
    params: redactParams(req.params, req.path),
  };
}

export function resultRecord(event: RequestEvent, now: Date): AuditRecord {
  const upid = typeof event.data === 'string' && event.data.startsWith('UPID:') ? event.data : undefined;
  const status = event.error instanceof ProxmoxHttpError ? event.error.status : event.status;
  return {
    time: now.toISOString(),
    ...(event.id ? { id: event.id } : {}),
    phase: 'result',
    cluster: event.cluster,
    ...(event.toolName ? { tool: event.toolName } : {}),
    ...(event.person ? { person: event.person } : {}),
    method: event.method,
    path: event.path,
    params: redactParams(event.params, event.path),
    outcome: event.refused ? 'refused' : event.error ? 'error' : 'ok',
    ...(status !== undefined ? { status } : {}),
    // Redacted before it is cut (clip.ts): a cut never keeps a piece of a secret.
    ...(event.error
      ? {
          message: clip(
            scrubValues(event.error.message, maskedValues(event.params, event.path)),
            MAX_MESSAGE_CHARS,
          ),
        }
      : {}),
    ...(upid ? { upid } : {}),
    duration_ms: event.durationMs,
  };
}

/** Creates the file at start-up (0600) so a wrong path is reported now, not at the first action. */
function probeFile(file: string, setting: string, logger: Logger): void {
  try {
    closeSync(openSync(file, 'a', 0o600));
  } catch (err) {
    logger.error(
      `the audit log cannot be written; requests that change anything are refused until it can (fix it or change ${setting})`,
      { file, error: errText(err) },
    );
  }
}

function errText(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
}
