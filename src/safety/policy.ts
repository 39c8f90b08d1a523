import { compileRule, type PolicyRule } from './rules.js';

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
}

/** As written in clusters.json, at the top level (the default) or under a cluster. */
export interface PolicyEntry {
  allow?: string[];
  deny?: string[];
  confirm?: string[];
}

/**
 * What asks for confirmation when no `confirm` list is configured: every DELETE (guest destroy
 * included), hard power-offs, and rollbacks, which throw away the guest's current state.
 */
export const DEFAULT_CONFIRM_RULES = [
  'DELETE /**',
  'POST /nodes/*/qemu/*/status/stop',
  'POST /nodes/*/qemu/*/status/reset',
  'POST /nodes/*/lxc/*/status/stop',
  'POST /nodes/*/qemu/*/snapshot/*/rollback',
  'POST /nodes/*/lxc/*/snapshot/*/rollback',
];

const DEFAULT_SOURCE = 'built-in default confirm list';

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
  const pick = (key: keyof PolicyEntry) => {
    if (own?.[key] !== undefined) return { rules: own[key], at: `clusters.${clusterName}.policy.${key}` };
    if (global?.[key] !== undefined) return { rules: global[key], at: `policy.${key}` };
    return undefined;
  };
  const compile = (key: keyof PolicyEntry) => {
    const p = pick(key);
    return p
      ? { at: p.at, rules: p.rules.map((r, i) => compileRule(r, `${p.at}[${i}] in ${file}`)) }
      : undefined;
  };
  const allow = compile('allow');
  return {
    ...(allow ? { allow: allow.rules, allowSource: `${allow.at} in ${file}` } : {}),
    deny: compile('deny')?.rules ?? [],
    confirm: compile('confirm')?.rules ?? DEFAULT_POLICY.confirm,
  };
}

export type PolicyVerdict =
  | { verdict: 'deny'; rule: PolicyRule }
  | { verdict: 'not-allowed'; source: string }
  | { verdict: 'confirm'; rule: PolicyRule }
  | { verdict: 'ok' };

/**
 * Deny first (it always wins), then the allow-list, then whether a person must confirm.
 *
 * The path is judged in every form the server may read it in: as sent (an encoded "/" stays inside its
 * segment, as in a volume id `local:iso%2Fx.iso`) and fully decoded (PVE unescapes the path before
 * routing, so `status%2Fstop` reaches the `status/stop` handler). A rule that matches either form
 * denies or asks; the allow-list must accept both. So no encoding slips past a rule.
 */
export function evaluatePolicy(policy: ClusterPolicy, method: string, path: string): PolicyVerdict {
  const views = pathViews(path);
  const first = (rules: PolicyRule[]) => {
    for (const view of views) {
      const hit = rules.find((r) => r.matches(method, view));
      if (hit) return hit;
    }
    return undefined;
  };
  const deny = first(policy.deny);
  if (deny) return { verdict: 'deny', rule: deny };
  const allow = policy.allow;
  if (allow && !views.every((view) => allow.some((r) => r.matches(method, view))))
    return { verdict: 'not-allowed', source: policy.allowSource ?? 'policy.allow' };
  const confirm = first(policy.confirm);
  return confirm ? { verdict: 'confirm', rule: confirm } : { verdict: 'ok' };
}

/** The path as sent and, when it differs, with every percent-escape decoded (%2F becomes "/"). */
export function pathViews(path: string): string[] {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return [path];
  }
  return decoded === path ? [path] : [path, decoded];
}
