import { z } from 'zod';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { clip } from './clip.js';
import { CodedError } from './sdk/coded-error.js';
import { wrapEveryRequestHandler } from './sdk/request-handler-table.js';

/**
 * The SDK (1.x) parses every request against its method's schema before our handler runs, and lets the
 * ZodError escape, which it answers as -32603 Internal error with the raw issue dump as the message:
 * `tools/call` with `"arguments": null` or `"name": 5`, `initialize` without `clientInfo`,
 * `logging/setLevel` with an unknown level. A malformed request is the client's mistake, so it gets
 * -32602 Invalid params naming the field instead, on every transport.
 *
 * The SDK offers no hook for this, so every entry of its private handler table is wrapped
 * (src/sdk/request-handler-table.ts, which throws at start-up if an SDK upgrade renames the table).
 */
export function answerMalformedRequestsAsInvalidParams(server: Server): void {
  wrapEveryRequestHandler(server, (handler) => async (request, extra) => {
    try {
      return await handler(request, extra);
    } catch (err) {
      throw err instanceof z.core.$ZodError ? invalidParams(request.method, err) : err;
    }
  });
}

function invalidParams(method: string, err: z.core.$ZodError): CodedError {
  return new CodedError(
    ErrorCode.InvalidParams,
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
