import type { ServerResponse } from 'node:http';

/** JSON-RPC error codes used on the HTTP edge (the SDK uses the same ones). */
export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const INTERNAL_ERROR = -32603;
export const SERVER_ERROR = -32000;
export const SESSION_NOT_FOUND = -32001;

/**
 * Every refusal (403, 401, 413, 503, 404...) is answered with a JSON-RPC error object, so an MCP client
 * shows the message instead of "unexpected content type".
 */
export function sendError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, status, { jsonrpc: '2.0', error: { code, message }, id: null }, headers);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}
