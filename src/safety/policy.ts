import { resolveApiPath, type ApiPath } from '../proxmox/api-path.js';
import type { Params } from '../proxmox/encode.js';
import { compileRule, type PolicyRule } from './rules.js';
import { roleAllows, type RoleLimit } from './roles.js';
import {
  commandArgv,
  describeRisk,
  evaluateExec,
  resolveExecPolicy,
  type ExecEntry,
  type ExecPolicy,
} from './exec-policy.js';

/**
 * A cluster's request policy after start-up resolution. `allow` undefined means "everything not
 * denied"; given, it is an allow-list and a request must match one of its rules. Deny always wins.
 * `confirm` lists what needs a person's yes (through MCP elicitation) before it is sent.
 */
export interface ClusterPolicy {
  allow?: PolicyRule[];
  /** Where the allow-list came from, quoted when a request matches none of it. */
  allowSource?: string;
  deny: PolicyRule[];
  confirm: PolicyRule[];
  /** Rules for commands run inside guests (exec-policy.ts); undefined: every command asks. */
  exec?: ExecPolicy;
}

/** As written in clusters.json, at the top level (the default) or under a cluster. */
export interface PolicyEntry {
  allow?: string[];
  deny?: string[];
  confirm?: string[];
  exec?: ExecEntry;
}

/**
 * What asks for confirmation when no `confirm` list is configured: every DELETE (guest destroy
 * included), hard power-offs (of a guest, of every guest, of the node), rollbacks, running code or
 * writing files inside a guest, and writes that destroy data or open the cluster up. README (Safety)
 * gives the reason for each; test/safety/policy-defaults.test.ts checks each names a real endpoint.
 */
export const DEFAULT_CONFIRM_RULES = [
  'DELETE /**',
  'POST /nodes/*/qemu/*/status/stop',
  'POST /nodes/*/qemu/*/status/reset',
  'POST /nodes/*/lxc/*/status/stop',
  'POST /nodes/*/qemu/*/status/shutdown forceStop=1',
  'POST /nodes/*/lxc/*/status/shutdown forceStop=1',
  'POST /nodes/*/qemu/*/status/suspend todisk=1',
  'POST /nodes/*/status command=shutdown|reboot',
  'POST /nodes/*/stopall',
  'POST /nodes/*/suspendall',
  'POST /cluster/bulk-action/guest/shutdown',
  'POST /cluster/bulk-action/guest/suspend',
  'POST /nodes/*/qemu/*/snapshot/*/rollback',
  'POST /nodes/*/lxc/*/snapshot/*/rollback',
  'POST /nodes/*/qemu/*/agent/exec',
  'POST /nodes/*/qemu/*/agent/file-write',
  'POST /nodes/*/qemu/*/agent/set-user-password',
  'POST /nodes/*/qemu/*/monitor',
  'POST /nodes/*/execute',
  'POST /nodes/*/qemu/*/move_disk delete=1',
  'POST /nodes/*/lxc/*/move_volume delete=1',
  'PUT /nodes/*/qemu/*/unlink',
  'POST /nodes/*/qemu/*/remote_migrate',
  'POST /nodes/*/lxc/*/remote_migrate',
  'POST /nodes/*/qemu force=1',
  'POST /nodes/*/lxc force=1',
  'POST /nodes/*/qemu/*/template',
  'POST /nodes/*/lxc/*/template',
  'PUT /**/firewall/options enable=0',
  'PUT /cluster/replication/* remove_job=*',
  'POST /cluster/config/**',
  'PUT /nodes/*/disks/wipedisk',
  'POST /nodes/*/disks/initgpt',
  'POST /nodes/*/services/*/stop',
  'POST /nodes/*/ceph/stop',
];

const DEFAULT_SOURCE = 'built-in default confirm list';

/** File writes inside a guest always ask (when nobody can be asked, the `confirmation` setting decides). */
const FILE_WRITE_CONFIRM = {
  text: 'POST /nodes/*/qemu/*/agent/file-write',
  source: 'built-in: every guest file write asks',
};

export const DEFAULT_POLICY: ClusterPolicy = {
  deny: [],
  confirm: DEFAULT_CONFIRM_RULES.map((r) => compileRule(r, DEFAULT_SOURCE)),
};

/**
 * The top-level `policy` is the default for every cluster, key by key: a cluster that sets `deny`
 * replaces the top-level `deny`, and inherits the keys it does not set (like `read_only`). Rules
 * must already be valid (the config schema checks them, so errors name the key path).
 */
export function resolvePolicy(
  global: PolicyEntry | undefined,
  own: PolicyEntry | undefined,
  clusterName: string,
  file: string,
): ClusterPolicy {
  const pick = (key: 'allow' | 'deny' | 'confirm') => {
    if (own?.[key] !== undefined) return { rules: own[key], at: `clusters.${clusterName}.policy.${key}` };
    if (global?.[key] !== undefined) return { rules: global[key], at: `policy.${key}` };
    return undefined;
  };
  const compile = (key: 'allow' | 'deny' | 'confirm') => {
    const p = pick(key);
    return p
      ? { at: p.at, rules: p.rules.map((r, i) => compileRule(r, `${p.at}[${i}] in ${file}`)) }
      : undefined;
  };
  const allow = compile('allow');
  const exec = resolveExecPolicy(global?.exec, own?.exec, clusterName, file);
  return {
    ...(allow ? { allow: allow.rules, allowSource: `${allow.at} in ${file}` } : {}),
    deny: compile('deny')?.rules ?? [],
    confirm: compile('confirm')?.rules ?? DEFAULT_POLICY.confirm,
    ...(exec ? { exec } : {}),
  };
}

export type PolicyVerdict =
  | { verdict: 'read-only'; source: string }
  | { verdict: 'deny'; rule: PolicyRule }
  | { verdict: 'not-allowed'; source: string }
  /** The signed-in person's role (roles.ts) does not take this request. */
  | { verdict: 'role'; role: RoleLimit['role'] }
  | { verdict: 'confirm'; rule: Pick<PolicyRule, 'text' | 'source'> }
  /** A guest command refused by policy.exec: `message` says why and what would let it through. */
  | { verdict: 'refused'; code: 'REFUSED' | 'READ_ONLY'; message: string; source: string }
  | { verdict: 'ok' };

/** A request as it will be sent: the routed path (resolveApiPath) and the parameters. */
export interface PolicyRequest {
  method: string;
  /** The resolved path; a string is resolved first (and throws InvalidApiPathError when refused). */
  path: ApiPath | string;
  params?: Params;
}

/**
 * The one policy evaluation every request passes (the client runs it itself, proxmox/client.ts):
 * read-only first (only GET leaves), then deny (it always wins), the signed-in person's role
 * (roles.ts; only when there is one), the allow-list, and whether a person must confirm. Rules judge the segments PVE routes on and the parameters as sent (rules.ts), never
 * the path as written and never the API schema, so they hold with the schema unavailable.
 */
export function evaluatePolicy(
  policy: ClusterPolicy,
  request: PolicyRequest,
  readOnly?: { source: string },
  role?: RoleLimit,
): PolicyVerdict {
  const { method, params = {} } = request;
  const segments =
    typeof request.path === 'string' ? resolveApiPath(request.path).segments : request.path.segments;
  const agent = guestAgentWrite(method, segments);
  // A guest command may pass a read-only cluster, but only one policy.exec.read_only_allow names.
  if (readOnly && method.toUpperCase() !== 'GET' && agent !== 'exec')
    return { verdict: 'read-only', source: readOnly.source };
  const first = (rules: PolicyRule[]) => rules.find((r) => r.matches(method, segments, params));
  const deny = first(policy.deny);
  if (deny) return { verdict: 'deny', rule: deny };
  if (role && !roleAllows(role, method, segments, params)) return { verdict: 'role', role: role.role };
  if (policy.allow && !first(policy.allow))
    return { verdict: 'not-allowed', source: policy.allowSource ?? 'policy.allow' };
  const confirm = first(policy.confirm);
  if (agent === 'file-write') return { verdict: 'confirm', rule: confirm ?? FILE_WRITE_CONFIRM };
  if (agent === 'exec') {
    const v = execVerdict(policy, commandArgv(params), readOnly);
    if (v.verdict !== 'ok') return v;
    // Allowed by an exec rule: the built-in confirm of agent/exec gives way; an operator's own rule does not.
    const own = policy.confirm.find(
      (r) => r.source !== DEFAULT_SOURCE && r.matches(method, segments, params),
    );
    return own ? { verdict: 'confirm', rule: own } : v;
  }
  return confirm ? { verdict: 'confirm', rule: confirm } : { verdict: 'ok' };
}

/** `POST /nodes/{node}/qemu/{vmid}/agent/exec` or `…/file-write`, as PVE routes it. */
function guestAgentWrite(method: string, segments: readonly string[]): 'exec' | 'file-write' | undefined {
  if (method.toUpperCase() !== 'POST' || segments.length !== 6) return undefined;
  const [nodes, , qemu, , agent, command] = segments;
  if (nodes !== 'nodes' || qemu !== 'qemu' || agent !== 'agent') return undefined;
  return command === 'exec' || command === 'file-write' ? command : undefined;
}

function execVerdict(
  policy: ClusterPolicy,
  argv: string[],
  readOnly: { source: string } | undefined,
): PolicyVerdict {
  const v = evaluateExec(policy.exec, argv, readOnly !== undefined);
  const cmd = JSON.stringify(argv);
  const hint = 'Nothing was sent to Proxmox.';
  switch (v.verdict) {
    case 'deny':
      return {
        verdict: 'refused',
        code: 'REFUSED',
        source: v.rule.source,
        message: `the guest command ${cmd} is denied by exec rule "${v.rule.text}" (${v.rule.source}). ${hint}`,
      };
    case 'risky':
      return {
        verdict: 'refused',
        code: 'REFUSED',
        source: 'policy.exec',
        message: `the guest command ${cmd} is refused: ${v.risks.map(describeRisk).join(', ')}. guest_exec runs one program with literal arguments, never a shell; run each program on its own (e.g. ["df","-h"], then filter the output yourself). Shells, interpreters and operators pass only when an exec rule names them (e.g. "sh -c *" in policy.exec.allow or confirm). ${hint}`,
      };
    case 'read-only':
      return {
        verdict: 'refused',
        code: 'READ_ONLY',
        source: readOnly?.source ?? 'read-only mode',
        message: `only GET requests are sent, and guest commands a policy.exec.read_only_allow rule names: none names ${cmd}. ${hint}`,
      };
    case 'not-allowed':
      return {
        verdict: 'refused',
        code: 'REFUSED',
        source: v.source,
        message: `the guest command ${cmd} matches no rule of the exec allow-list ${v.source} (allowed: ${v.allowed.map((a) => `"${a}"`).join(', ') || 'nothing'}). ${hint}`,
      };
    case 'confirm':
      return { verdict: 'confirm', rule: v.rule };
    case 'ok':
      return { verdict: 'ok' };
  }
}
