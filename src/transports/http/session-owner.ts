import type { IncomingMessage } from 'node:http';
import { metrics } from '../../metrics/events.js';
import { personOf, sessionOwnerOf } from './auth-gate.js';
import type { HttpContext } from './context.js';
import { shortId } from './sessions.js';

/**
 * In OAuth mode a session belongs to the person who opened it. A session id is not a credential: a
 * request that carries someone else's id with its own valid token is answered as if the session did
 * not exist (404, as the spec's session-hijacking advice suggests binding sessions to the user), and
 * logged. Keyed by the session's transport, so the binding goes away with the session.
 */
const owners = new WeakMap<object, string>();

export function bindSessionOwner(transport: object, req: IncomingMessage): void {
  const owner = sessionOwnerOf(req);
  if (owner) owners.set(transport, owner);
}

/** True (and logged, counted) when the request's person is not the session's owner. */
export function notSessionOwner(
  ctx: HttpContext,
  transport: object,
  req: IncomingMessage,
  sessionId: string,
): boolean {
  const owner = owners.get(transport);
  if (owner === undefined || owner === sessionOwnerOf(req)) return false;
  ctx.logger.warn(
    `session ${shortId(sessionId)} refused to ${personOf(req) ?? 'a caller'}: another person opened it`,
    {
      method: req.method,
    },
  );
  metrics.refusal('auth');
  return true;
}
