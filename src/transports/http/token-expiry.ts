import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { callerOf, describeCaller } from '../../auth/caller.js';

/** setTimeout's longest delay; a later deadline is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Every POST is checked with the token it carries, but an event stream (GET /sse, GET /mcp) was
 * checked once, when it opened. So that a person whose access ended stops receiving server messages,
 * the stream is ended when the token that opened it expires (its `exp`, JWT or introspected, plus the
 * configured clock skew); the client reconnects with a fresh token. One timer per stream, cleared when
 * the stream closes. Nothing happens without an OAuth caller or without an `exp`.
 */
export function endStreamAtTokenExpiry(
  req: IncomingMessage,
  res: ServerResponse,
  clockSkewSeconds: number | undefined,
  end: (person: string) => void,
): void {
  const auth = (req as IncomingMessage & { auth?: AuthInfo }).auth;
  const caller = callerOf(auth);
  if (!caller || auth?.expiresAt === undefined || clockSkewSeconds === undefined) return;
  const deadline = (auth.expiresAt + clockSkewSeconds) * 1000;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    timer = setTimeout(
      () => {
        if (Date.now() < deadline) return arm();
        if (!res.writableEnded) end(describeCaller(caller));
      },
      Math.min(Math.max(deadline - Date.now(), 0), MAX_TIMER_MS),
    );
    timer.unref();
  };
  arm();
  res.once('close', () => clearTimeout(timer));
}
