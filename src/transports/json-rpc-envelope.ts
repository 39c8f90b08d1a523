import {
  JSONRPCMessageSchema,
  JSONRPCRequestSchema,
  type JSONRPCErrorResponse,
  type JSONRPCMessage,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import { clip } from '../clip.js';
import { describeIssues } from '../invalid-params.js';

/** What to do with one line a client sent. */
export type Checked =
  /** A well-formed JSON-RPC message: hand it to the SDK. */
  | { kind: 'message'; message: JSONRPCMessage }
  /** Malformed, and answerable: send this error. */
  | { kind: 'answer'; error: JSONRPCErrorResponse }
  /**
   * Malformed, and not answerable: a notification (JSON-RPC 2.0 §4.1: never replied to, not even
   * with an error) or a response to one of our requests (replying to a reply invites a loop).
   */
  | { kind: 'drop'; reason: string };

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const INVALID_PARAMS = -32602;

export function errorAnswer(id: RequestId | null, code: number, message: string): JSONRPCErrorResponse {
  // JSON-RPC 2.0 §5 requires `"id": null` when the id could not be read; the SDK's type has no null.
  return { jsonrpc: '2.0', id: id as RequestId, error: { code, message } };
}

/**
 * Classifies one line of text the way JSON-RPC 2.0 §5.1 asks: -32700 when it is not JSON, -32600
 * when it is JSON but not a request, -32602 when a request's params are malformed. The SDK's own
 * stdio transport drops all of these without a word, leaving the client waiting forever.
 */
export function checkLine(text: string): Checked {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return answer(null, PARSE_ERROR, `Parse error: the line is not valid JSON (${syntaxDetail(err)})`);
  }
  if (Array.isArray(value)) {
    return answer(
      null,
      INVALID_REQUEST,
      'Invalid Request: JSON-RPC batches (arrays) are not supported; MCP dropped them in 2025-06-18. Send each message on its own line',
    );
  }
  if (value === null || typeof value !== 'object') {
    return answer(
      null,
      INVALID_REQUEST,
      `Invalid Request: a JSON-RPC message is an object, not ${kindOf(value)}`,
    );
  }
  return checkObject(value as Record<string, unknown>);
}

function checkObject(msg: Record<string, unknown>): Checked {
  const hasId = Object.hasOwn(msg, 'id');
  const id = hasId && isRequestId(msg.id) ? msg.id : null;
  // A reply (to a request of ours, e.g. elicitation) is never answered, even a malformed one: an
  // error sent back with its id could be taken by the client as the answer to its own request.
  const isResponse =
    !Object.hasOwn(msg, 'method') && (Object.hasOwn(msg, 'result') || Object.hasOwn(msg, 'error'));
  const parsed = JSONRPCMessageSchema.safeParse(msg);
  if (parsed.success) return { kind: 'message', message: parsed.data };

  if (isResponse)
    return { kind: 'drop', reason: 'a malformed response (it has "result" or "error" but is not valid)' };
  if (msg.jsonrpc !== '2.0') return answer(id, INVALID_REQUEST, 'Invalid Request: "jsonrpc" must be "2.0"');
  if (!Object.hasOwn(msg, 'method')) {
    return answer(
      id,
      INVALID_REQUEST,
      'Invalid Request: "method" is missing (a request has "method" and "id"; a notification has "method" only)',
    );
  }
  if (typeof msg.method !== 'string')
    return answer(id, INVALID_REQUEST, 'Invalid Request: "method" must be a string');
  const params = msg.params;
  const paramsProblem =
    params !== undefined && (params === null || typeof params !== 'object' || Array.isArray(params))
      ? `"params" must be an object (MCP uses named parameters), not ${kindOf(params)}`
      : undefined;
  if (!hasId) {
    return {
      kind: 'drop',
      reason: `a malformed notification "${clip(msg.method, 100)}": ${paramsProblem ?? 'invalid params'}`,
    };
  }
  if (id === null) {
    return answer(
      null,
      INVALID_REQUEST,
      'Invalid Request: "id" must be a string or an integer (MCP does not allow null)',
    );
  }
  const extra = Object.keys(msg).filter((k) => !REQUEST_KEYS.has(k));
  if (extra.length) {
    return answer(
      id,
      INVALID_REQUEST,
      `Invalid Request: a request has only "jsonrpc", "id", "method" and "params", not ${extra
        .slice(0, 3)
        .map((k) => JSON.stringify(clip(k, 40)))
        .join(', ')}`,
    );
  }
  if (paramsProblem)
    return answer(id, INVALID_PARAMS, `Invalid params for ${clip(msg.method, 100)}: ${paramsProblem}`);
  // Envelope, id and params object are fine, so what the SDK refused is inside params (e.g. _meta);
  // the request schema alone names the field (the union of all message kinds only says "Invalid input").
  const request = JSONRPCRequestSchema.safeParse(msg);
  const issues = request.success ? 'not a valid request' : describeIssues(request.error);
  return answer(id, INVALID_PARAMS, `Invalid params for ${clip(msg.method, 100)}: ${issues}`);
}

const REQUEST_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);

function answer(id: RequestId | null, code: number, message: string): Checked {
  return { kind: 'answer', error: errorAnswer(id, code, message) };
}

function isRequestId(value: unknown): value is RequestId {
  return typeof value === 'string' || Number.isSafeInteger(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** V8's message without the input it quotes ("Unexpected token 'a', "abc…" is not valid JSON"). */
function syntaxDetail(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return clip(message.replace(/, ".*" is not valid JSON$/s, ''), 120);
}
