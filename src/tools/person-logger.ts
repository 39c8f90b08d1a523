import type { Caller } from '../auth/caller.js';
import type { Logger, LogFields } from '../logger.js';

/**
 * The logger a tool call of a signed-in person uses: every line it writes names the person
 * (`person: {sub, name}`), as the audit lines do, so a log of a shared server says who did what.
 */
export function personLogger(logger: Logger, caller: Caller | undefined): Logger {
  if (!caller) return logger;
  const person = { sub: caller.subject, ...(caller.name ? { name: caller.name } : {}) };
  const withPerson = (fields?: LogFields): LogFields => ({ ...fields, person });
  return {
    format: logger.format,
    debug: (m, f) => logger.debug(m, withPerson(f)),
    info: (m, f) => logger.info(m, withPerson(f)),
    warn: (m, f) => logger.warn(m, withPerson(f)),
    error: (m, f) => logger.error(m, withPerson(f)),
  };
}
