import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { RawAnswer } from './raw-channel.js';
import { describe, type FuzzCall } from './tool-args.js';

/** An error text longer than this means some input was echoed back whole. */
export const MAX_ERROR_CHARS = 8_000;

export type Verdict =
  | { kind: 'refused'; text: string } // JSON-RPC -32602 or an "Invalid arguments"/"Unknown tool" result
  | { kind: 'answered'; text: string }; // a result (valid, or an error from the tool or Proxmox)

/**
 * What counts as a proper answer to a fuzzed tools/call. Returns the problem, or the verdict.
 * A raw zod dump looks like `[{"code": "invalid_type", ...`: never acceptable as a message.
 */
export function judge(answer: RawAnswer, call: FuzzCall): string | Verdict {
  if (answer.jsonrpc !== '2.0') return `answer is not JSON-RPC 2.0: ${JSON.stringify(answer).slice(0, 200)}`;
  if (answer.error) {
    const { code, message } = answer.error;
    if (code !== -32602)
      return `JSON-RPC error ${String(code)} (expected -32602 or a result): ${String(message)}`;
    if (typeof message !== 'string' || !message) return 'JSON-RPC error without a message';
    if (/"code":\s*"/.test(message) || message.trimStart().startsWith('[')) {
      return `error message is a raw zod dump: ${message.slice(0, 300)}`;
    }
    if (message.length > MAX_ERROR_CHARS) return `error message of ${message.length} chars echoes the input`;
    if (call.shapeBroken && !message.includes(call.shapeBroken)) {
      return `-32602 does not name "${call.shapeBroken}": ${message}`;
    }
    return { kind: 'refused', text: message };
  }
  if (call.shapeBroken) return `a broken "${call.shapeBroken}" was accepted instead of answered with -32602`;
  const parsed = CallToolResultSchema.safeParse(answer.result);
  if (!parsed.success)
    return `result is not a CallToolResult: ${JSON.stringify(answer.result).slice(0, 300)}`;
  const result = parsed.data;
  const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
  if (!text) return 'result without text content';
  if (!result.isError) {
    if (result.structuredContent === undefined) return 'successful result without structuredContent';
    return { kind: 'answered', text };
  }
  if (text.length > MAX_ERROR_CHARS) return `isError text of ${text.length} chars echoes the input`;
  if (/Internal error in proxmox-mcp/.test(text)) return `a bug surfaced as the answer: ${describe(text)}`;
  const refusal = text.startsWith(`Invalid arguments for ${call.tool}`) || text.startsWith('Unknown tool');
  if (refusal && text.startsWith('Invalid arguments') && call.broken.length) {
    // Long keys are quoted clipped: their start is enough to recognise them.
    if (!call.broken.some((key) => text.includes(key.slice(0, 50)))) {
      return `refusal names none of the broken arguments (${call.broken.map(describe).join(', ')}): ${describe(text)}`;
    }
  }
  return { kind: refusal ? 'refused' : 'answered', text };
}
