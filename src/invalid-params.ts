import { z } from 'zod';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { clip } from './clip.js';

type RequestHandler = (request: { method: string }, extra: unknown) => Promise<unknown>;

/**
 * The SDK (1.x) parses every request against its method's schema before our handler runs, and lets the
 * ZodError escape, which it answers as -32603 Internal error with the raw issue dump as the message:
 * `tools/call` with `"arguments": null` or `"name": 5`, `initialize` without `clientInfo`,
 * `logging/setLevel` with an unknown level. A malformed request is the client's mistake, so it gets
 * -32602 Invalid params naming the field instead, on every transport.
 *
 * The SDK offers no hook for this: it keeps the handlers in a private map, so each entry is wrapped,
 * those registered so far and any registered later. If an SDK upgrade renames the map this throws at
 * start-up (the test suite sees it at once) rather than silently answering -32603 again.
 */
export function answerMalformedRequestsAsInvalidParams(server: Server): void {
  const handlers = (server as unknown as { _requestHandlers?: unknown })._requestHandlers;
  if (!(handlers instanceof Map)) {
    throw new Error(
      'SDK internals changed: Server._requestHandlers is not a Map; update src/invalid-params.ts',
    );
  }
  const map = handlers as Map<string, RequestHandler>;
  const set = map.set.bind(map);
  const wrap =
    (handler: RequestHandler): RequestHandler =>
    async (request, extra) => {
      try {
        return await handler(request, extra);
      } catch (err) {
        throw err instanceof z.core.$ZodError ? invalidParams(request.method, err) : err;
      }
    };
  for (const [method, handler] of map) set(method, wrap(handler));
  map.set = (method, handler) => set(method, wrap(handler));
}

/** The SDK answers a thrown error with its numeric `code` and its message as is (McpError would prefix "MCP error -32602: "). */
class InvalidParamsError extends Error {
  readonly code = ErrorCode.InvalidParams;
}

function invalidParams(method: string, err: z.core.$ZodError): InvalidParamsError {
  return new InvalidParamsError(
    `Invalid params for ${clip(method)}: ${describeIssues(err)}. ${(Object.hasOwn(HINTS, method) && HINTS[method]) || 'Check the request against the MCP specification.'}`,
  );
}

/**
 * "path: message" per issue, at most five, each clipped: zod quotes unrecognized keys whole, and a
 * megabyte key name must not come back as a megabyte error.
 */
export function describeIssues(err: z.core.$ZodError): string {
  const shown = err.issues
    .slice(0, 5)
    .map((i) => clip(`${i.path.length ? i.path.map(String).join('.') + ': ' : ''}${i.message}`));
  const more = err.issues.length > 5 ? ` (and ${err.issues.length - 5} more)` : '';
  return shown.join('; ') + more;
}

const HINTS: Record<string, string> = {
  'tools/call':
    'Send {"name": "<tool>", "arguments": {...}}: arguments is an object (or omitted); tools/list shows each tool\'s arguments.',
  initialize:
    'Send {"protocolVersion": "...", "capabilities": {...}, "clientInfo": {"name": "...", "version": "..."}}.',
  'logging/setLevel': 'level is one of debug, info, notice, warning, error, critical, alert, emergency.',
};
