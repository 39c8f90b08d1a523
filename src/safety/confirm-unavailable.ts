import type { ClusterConfig, ConfirmationSetting } from '../config/types.js';
import type { HttpMethod, RequestContext } from '../proxmox/request-types.js';
import { ProxmoxRefusedError } from '../proxmox/errors.js';

/**
 * A request matched a `confirm` rule and there is no way to ask the person. Returns when it may be
 * sent anyway, throws a refusal naming why and what to change otherwise:
 * - the client declared no elicitation: sent under `client-approval` (the default: the client's own
 *   approval of destructive tools is the check), refused under `strict`;
 * - the server cannot carry the question (--stateless HTTP) or knows nothing of the client (it called
 *   before `initialize`): refused, unless the operator set `client-approval` explicitly, accepting the
 *   client's approval as the only check;
 * - nothing says why (a caller that passed no context): refused. Confirmation never fails open by
 *   accident.
 */
export function sendWithoutAsking(
  req: { cluster: ClusterConfig; method: HttpMethod; path: string; context: RequestContext },
  rule: { text: string; source: string },
): void {
  const { cluster, method, path } = req;
  const unavailable = req.context.confirmUnavailable;
  const setting = cluster.confirmation;
  const mode = setting?.mode ?? 'client-approval';
  if (unavailable?.why === 'no-elicitation' && mode === 'client-approval') return;
  const unknown = unavailable?.why === 'stateless' || unavailable?.why === 'not-initialized';
  if (unknown && setting?.mode === 'client-approval') return;
  const head = `Not sent: ${method} ${path} on cluster "${cluster.name}" needs the user's confirmation (rule "${rule.text}", ${rule.source})`;
  const tail =
    'Nothing was sent to Proxmox. Do not retry on your own or through another tool; tell the user what was refused and why.';
  let why: string;
  if (unavailable?.why === 'stateless') {
    why =
      "but this server cannot ask: it runs stateless HTTP (--stateless), where every request gets a fresh server that never saw the client's capabilities and cannot carry a question to the user and back. " +
      `The operator can run it without --stateless (clients that support MCP elicitation are then asked), or set confirmation to "client-approval" (--confirmation, PROXMOX_MCP_CONFIRMATION or clusters.json) to let the client's own approval of destructive tools be the only check`;
  } else if (unavailable?.why === 'not-initialized') {
    why =
      'but the client has not sent `initialize` on this connection, so whether it can ask the user is unknown. Initialize first (MCP clients do); the operator can also set confirmation to "client-approval" to let the client\'s own approval be the check';
  } else if (unavailable?.why === 'no-elicitation') {
    why =
      `but ${unavailable.client ? `the client (${unavailable.client})` : 'the client'} does not support MCP elicitation, so the user cannot be asked, and confirmation is "strict" (${setting?.source ?? 'default'}), which refuses such requests. ` +
      'A client that supports MCP elicitation is asked instead; or the operator sets confirmation to "client-approval"';
  } else {
    why = 'but no way to ask the user came with this request, so it is refused';
  }
  throw new ProxmoxRefusedError(
    'NOT_CONFIRMED',
    `${head}, ${why}. ${tail}`,
    { cluster: cluster.name, method, path },
    unavailable?.why === 'no-elicitation' && setting ? setting.source : rule.source,
  );
}

/** One line for start-up and `check`: what `confirm` rules do for each kind of client. */
export function describeConfirmation(setting: ConfirmationSetting | undefined, stateless = false): string {
  const how = setting
    ? `"${setting.mode}" (${setting.source})`
    : '"client-approval" (the default; --confirmation, PROXMOX_MCP_CONFIRMATION or clusters.json "confirmation" change it)';
  if (stateless)
    return setting?.mode === 'client-approval'
      ? `confirm rules: --stateless cannot ask anyone, so matching requests are sent on the client's own approval; confirmation ${how}`
      : setting
        ? `confirm rules: --stateless cannot ask anyone, so matching requests are refused; confirmation ${how}`
        : 'confirm rules: --stateless cannot ask anyone, so matching requests are refused (only confirmation "client-approval", set explicitly, sends them on the client\'s own approval)';
  return setting?.mode === 'strict'
    ? `confirm rules: clients with MCP elicitation are asked; for other clients matching requests are refused; confirmation ${how}`
    : `confirm rules: clients with MCP elicitation are asked; for other clients matching requests are sent and the client's own approval of destructive tools is the check; confirmation ${how}`;
}
