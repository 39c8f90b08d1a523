import type { RequestGuard } from '../proxmox/request-types.js';
import { ProxmoxRefusedError } from '../proxmox/errors.js';
import { metrics } from '../metrics/events.js';
import { DEFAULT_POLICY, evaluatePolicy } from './policy.js';
import { sendWithoutAsking } from './confirm-unavailable.js';
import { roleLimitOf, roleRefusal } from './role-refusal.js';

/** Told to the model with every refusal, so it asks the person instead of trying another route. */
const NOT_PVE =
  'Nothing was sent to Proxmox. This is a safety setting of the proxmox-mcp server, not a Proxmox permission: do not try to work around it; ask the user if it should change.';

/**
 * The one policy evaluation of every request, curated or raw: the client runs it itself before
 * anything leaves (proxmox/client.ts requestFull), so it holds with no guard registered. Read-only,
 * deny rules, the allow-list, then a person's confirmation where a `confirm` rule matches and the
 * client can ask (MCP elicitation). Where nobody can be asked, the `confirmation` setting decides
 * (confirm-unavailable.ts: by default a client without elicitation gets the request through, its own
 * approval of destructive tools being the check; --stateless refuses). Judged on `route`, the segments PVE
 * routes on, and the parameters as sent.
 */
export const policyGuard: RequestGuard = async ({ cluster, method, path, route, params, context }) => {
  const policy = cluster.policy ?? DEFAULT_POLICY;
  const facts = { cluster: cluster.name, method, path };
  const readOnly = cluster.readOnly ? { source: cluster.readOnlySource ?? 'read-only mode' } : undefined;
  // A signed-in person (OAuth) is limited by their role on this cluster; nobody signed in: no limit.
  const grant = context.caller ? roleLimitOf(context.caller, cluster) : undefined;
  const verdict = evaluatePolicy(policy, { method, path: route, params }, readOnly, grant?.limit);
  switch (verdict.verdict) {
    case 'role':
      metrics.refusal('role', cluster.name);
      throw roleRefusal({ cluster, method, path, caller: context.caller!, role: grant! });
    case 'read-only':
      metrics.refusal('read-only', cluster.name);
      throw new ProxmoxRefusedError(
        'READ_ONLY',
        `refused ${method} ${path}: cluster "${cluster.name}" is read-only (${verdict.source}); only GET requests are sent`,
        facts,
        verdict.source,
      );
    case 'deny':
      metrics.refusal('policy', cluster.name);
      throw new ProxmoxRefusedError(
        'REFUSED',
        `Refused ${method} ${path} on cluster "${cluster.name}": denied by policy rule "${verdict.rule.text}" (${verdict.rule.source}). ${NOT_PVE}`,
        facts,
        verdict.rule.source,
      );
    case 'refused':
      metrics.refusal(verdict.code === 'READ_ONLY' ? 'read-only' : 'policy', cluster.name);
      throw new ProxmoxRefusedError(
        verdict.code,
        verdict.code === 'READ_ONLY'
          ? `refused ${method} ${path}: cluster "${cluster.name}" is read-only (${verdict.source}); ${verdict.message}`
          : `Refused ${method} ${path} on cluster "${cluster.name}": ${verdict.message} ${NOT_PVE.replace(/^Nothing was sent to Proxmox\. /, '')}`,
        facts,
        verdict.source,
      );
    case 'not-allowed':
      metrics.refusal('policy', cluster.name);
      throw new ProxmoxRefusedError(
        'REFUSED',
        `Refused ${method} ${path} on cluster "${cluster.name}": no rule of the allow-list ${verdict.source} matches it (allowed: ${policy.allow?.map((r) => `"${r.text}"`).join(', ') || 'nothing'}). ${NOT_PVE}`,
        facts,
        verdict.source,
      );
    case 'confirm': {
      if (!context.confirm) {
        try {
          return sendWithoutAsking({ cluster, method, path, context }, verdict.rule);
        } catch (err) {
          metrics.refusal('not-confirmed', cluster.name);
          throw err;
        }
      }
      const answer = await context.confirm({
        cluster: cluster.name,
        method,
        path,
        params,
        rule: verdict.rule.text,
        ruleSource: verdict.rule.source,
        toolName: context.toolName,
      });
      if (answer.confirmed) return;
      metrics.refusal('not-confirmed', cluster.name);
      throw new ProxmoxRefusedError(
        'NOT_CONFIRMED',
        `Not sent: ${method} ${path} on cluster "${cluster.name}" needs the user's confirmation (rule "${verdict.rule.text}", ${verdict.rule.source}) and ${answer.reason}. Nothing was sent to Proxmox. Do not retry on your own; ask the user whether they want it.`,
        facts,
        verdict.rule.source,
      );
    }
    case 'ok':
      return;
  }
};
