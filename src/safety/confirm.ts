import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ErrorCode, McpError, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { ConfirmAnswer, ConfirmQuestion, RequestContext } from '../proxmox/client.js';
import { clip } from '../clip.js';
import { redactParams } from './redact-params.js';

/** How much of the parameters a question quotes: enough to judge, bounded for a person to read. */
const MAX_SHOWN_PARAMS = 2000;

/** How long a person has to answer before the request is dropped. Bounded: a tool call must end. */
export const DEFAULT_CONFIRM_TIMEOUT_MS = 120_000;

/**
 * The `confirm` function handed to guards when the client declared the MCP elicitation capability
 * (form mode): it asks the person directly, through the client's own UI, so the model cannot answer
 * for them. Undefined when the client cannot be asked.
 */
export function elicitationConfirm(
  server: Server,
  opts: { signal: AbortSignal; timeoutMs?: number; relatedRequestId?: RequestId },
): RequestContext['confirm'] {
  if (!server.getClientCapabilities()?.elicitation?.form) return undefined;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS;
  return async (q: ConfirmQuestion): Promise<ConfirmAnswer> => {
    try {
      const res = await server.elicitInput(
        {
          mode: 'form',
          message: questionText(q),
          requestedSchema: {
            type: 'object',
            properties: {
              confirm: {
                type: 'boolean',
                title: `Send ${q.method} ${q.path} to ${q.cluster}`,
                description: 'Tick to send this request to Proxmox VE; leave unticked or decline to stop it.',
                default: false,
              },
            },
            required: ['confirm'],
          },
        },
        // relatedRequestId keeps the question on the tool call's own stream (Streamable HTTP).
        { signal: opts.signal, timeout: timeoutMs, relatedRequestId: opts.relatedRequestId },
      );
      if (res.action === 'accept' && res.content?.confirm === true) return { confirmed: true };
      if (res.action === 'accept') return { confirmed: false, reason: 'the user did not tick "confirm"' };
      return {
        confirmed: false,
        reason: res.action === 'decline' ? 'the user declined' : 'the user cancelled the confirmation',
      };
    } catch (err) {
      if (opts.signal.aborted) return { confirmed: false, reason: 'the tool call was cancelled' };
      if (err instanceof McpError && err.code === Number(ErrorCode.RequestTimeout))
        return {
          confirmed: false,
          reason: `no answer came within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}`,
        };
      return {
        confirmed: false,
        reason: `the confirmation could not be asked (${err instanceof Error ? err.message : String(err)})`,
      };
    }
  };
}

/** Names everything the person needs to judge: cluster, method, path, parameters, and why they are asked. */
function questionText(q: ConfirmQuestion): string {
  // Secret values masked by name and endpoint; the rest redacted and then cut (clip.ts), so a long
  // value neither floods the question nor leaves a piece of a known secret at the cut.
  const params = redactParams(q.params, q.path);
  return [
    `The assistant wants to send this request to Proxmox VE${q.toolName ? ` (tool ${q.toolName})` : ''}:`,
    ``,
    `  cluster:    ${q.cluster}`,
    `  request:    ${q.method} ${q.path}`,
    `  parameters: ${Object.keys(params).length ? clip(JSON.stringify(params), MAX_SHOWN_PARAMS) : 'none'}`,
    ``,
    `proxmox-mcp asks because it matches the confirmation rule "${q.rule}" (${q.ruleSource}).`,
    'Nothing is sent unless you confirm.',
  ].join('\n');
}
