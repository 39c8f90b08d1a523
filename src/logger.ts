/**
 * Logging to stderr only: in stdio mode stdout belongs to JSON-RPC. Every line passes through the
 * redactor, so a token secret that slips into an error message never reaches a log.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  /** How lines are written; the audit log uses it to keep each record one JSON line. */
  readonly format?: 'text' | 'json';
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: 'text' | 'json';
  write?: (line: string) => void;
  redact?: (text: string) => string;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(opts: LoggerOptions = {}): Logger {
  const min = ORDER[opts.level ?? 'info'];
  const write = opts.write ?? (() => {});
  const redact = opts.redact ?? ((s: string) => s);
  const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (ORDER[level] < min) return;
    const line =
      opts.format === 'json'
        ? JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })
        : `proxmox-mcp ${level}: ${msg}${fields && Object.keys(fields).length ? ' ' + formatFields(fields) : ''}`;
    write(redact(line) + '\n');
  };
  return {
    format: opts.format ?? 'text',
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

function formatFields(fields: LogFields): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

export const silentLogger: Logger = createLogger({ write: () => {} });
