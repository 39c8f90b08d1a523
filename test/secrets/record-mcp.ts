import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { recordOutput } from '../helpers/recording.js';

/**
 * Records MCP messages for the secret sweep, with two hooks on the SDK's `connect`:
 * - every message an in-process `Server` sends (tool results, JSON-RPC errors, log notifications,
 *   elicitation requests), whoever the peer is: the harness's Client, the fuzzers' bare JSON-RPC
 *   channel, each session of the in-process HTTP server;
 * - every message a `Client` receives over a real transport (stdio child, Streamable HTTP, SSE), that
 *   is from servers in other processes. In-memory clients are left out: their server is recorded.
 *
 * Protocol.connect keeps an `onmessage` already set on the transport and calls it first, so setting
 * ours before connecting sees each message as it arrived.
 */

const HOOKED = Symbol.for('proxmox-mcp.test.mcp-hooks');

interface Sent {
  method: string;
  tool?: string;
}

type Connectable = { connect(transport: Transport, options?: unknown): Promise<void>; [HOOKED]?: true };

export function recordMcp(): void {
  hook(Server.prototype as unknown as Connectable, (transport, requests) => {
    const via = `server:${transport.constructor.name}`;
    const send = transport.send.bind(transport);
    transport.send = (message, opts) => {
      record(message, requests, via);
      return send(message, opts);
    };
    // The server learns which tool a response answers from the request it received.
    const previous = transport.onmessage;
    transport.onmessage = (message, extra) => {
      try {
        remember(message, requests);
      } catch {
        // A message too odd to read an id from: its answer is recorded without a tool name.
      }
      previous?.(message, extra);
    };
  });
  hook(Client.prototype as unknown as Connectable, (transport, requests) => {
    if (transport instanceof InMemoryTransport) return;
    const via = `client:${transport.constructor.name}`;
    const send = transport.send.bind(transport);
    transport.send = (message, opts) => {
      remember(message, requests);
      return send(message, opts);
    };
    const previous = transport.onmessage;
    transport.onmessage = (message, extra) => {
      record(message, requests, via);
      previous?.(message, extra);
    };
  });
}

function hook(proto: Connectable, wrap: (transport: Transport, requests: Map<unknown, Sent>) => void): void {
  if (proto[HOOKED]) return;
  proto[HOOKED] = true;
  const connect = proto.connect;
  proto.connect = function (this: unknown, transport: Transport, options?: unknown) {
    try {
      wrap(transport, new Map());
    } catch {
      // Recording must never keep a test's client or server from connecting.
    }
    return connect.call(this, transport, options);
  };
}

/** Never throws: the fuzzers send ids, methods and names of every type, on purpose. */
function remember(message: JSONRPCMessage, requests: Map<unknown, Sent>): void {
  if (!('method' in message) || !('id' in message)) return;
  // Cut: a fuzzed name can be megabytes, and it is the client's input, not output to scan.
  const method = typeof message.method === 'string' ? message.method.slice(0, 100) : '(not a string)';
  const name = (message.params as { name?: unknown } | null | undefined)?.name;
  requests.set(message.id, {
    method,
    ...(method === 'tools/call'
      ? { tool: typeof name === 'string' ? name.slice(0, 100) : '(not a string)' }
      : {}),
  });
}

function record(message: JSONRPCMessage, requests: Map<unknown, Sent>, via: string): void {
  try {
    recordMessage(message, requests, via);
  } catch (err) {
    recordOutput('mcp', `(unrecordable message: ${(err as Error).message})`, { via, kind: 'unrecordable' });
  }
}

function recordMessage(message: JSONRPCMessage, requests: Map<unknown, Sent>, via: string): void {
  // Without the id (chosen by the client, no secret in it), so that the same answer to the same
  // request is one text, and recorded once (test/helpers/recording.ts).
  const { id: _id, ...withoutId } = message as JSONRPCMessage & { id?: unknown };
  const text = JSON.stringify(withoutId);
  if ('method' in message) {
    const kind = 'id' in message ? 'request' : 'notification';
    recordOutput('mcp', text, { via, kind, method: message.method });
    return;
  }
  const id = 'id' in message ? message.id : undefined;
  const request = requests.get(id);
  requests.delete(id);
  if ('error' in message) {
    recordOutput('mcp', text, { via, kind: 'error', code: message.error.code, ...request });
    return;
  }
  const isError = (message.result as { isError?: unknown } | undefined)?.isError === true;
  recordOutput('mcp', text, { via, kind: 'result', isError, ...request });
}
