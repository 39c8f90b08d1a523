import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { RequestContext } from '../proxmox/client.js';
import { elicitationConfirm } from './confirm.js';

/**
 * What a tool call hands the policy guard about asking the person: a way to ask (the client declared
 * elicitation in this server's `initialize`), or why there is none. A server that never saw
 * `initialize` (every request of --stateless HTTP gets a fresh one) knows nothing about the client
 * and could not carry a question and its answer anyway: that is never taken for "cannot be asked".
 */
export function confirmContext(
  server: Server,
  opts: { signal: AbortSignal; timeoutMs?: number; relatedRequestId?: RequestId; stateless?: boolean },
): Pick<RequestContext, 'confirm' | 'confirmUnavailable'> {
  const client = server.getClientVersion()?.name;
  if (opts.stateless) return { confirmUnavailable: { why: 'stateless', client } };
  if (server.getClientCapabilities() === undefined)
    return { confirmUnavailable: { why: 'not-initialized', client } };
  const confirm = elicitationConfirm(server, opts);
  return confirm ? { confirm } : { confirmUnavailable: { why: 'no-elicitation', client } };
}
