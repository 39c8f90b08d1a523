import type { K8sObject } from './kustomize.js';

// The Prometheus Operator's ServiceMonitor (monitoring.coreos.com/v1) for the kubernetes-*.test.ts files: a CRD that
// kubernetes-models does not carry, so its shape and what it selects are checked by hand here.

export interface ServiceMonitorSpec {
  selector?: { matchLabels?: Record<string, unknown>; [k: string]: unknown };
  endpoints?: Array<Record<string, unknown>>;
  [k: string]: unknown;
}

/**
 * ServiceMonitor is the Prometheus Operator's CRD, which kubernetes-models does not carry: its shape is
 * checked here against the fields of monitoring.coreos.com/v1 that our example uses, strictly (an
 * unknown key is a typo the operator would reject or ignore). Whether it finds our Service is checked
 * on the rendered overlay (serviceMonitorTargets).
 */
export function serviceMonitorShape(o: K8sObject): string[] {
  const out: string[] = [];
  const spec = o.spec as ServiceMonitorSpec | undefined;
  const known = (obj: object, keys: string[], where: string) => {
    for (const k of Object.keys(obj)) if (!keys.includes(k)) out.push(`${where}: unknown field ${k}`);
  };
  if (!o.metadata?.name) out.push('metadata.name missing');
  if (!spec) return [...out, 'spec missing'];
  known(
    spec,
    ['selector', 'endpoints', 'namespaceSelector', 'jobLabel', 'targetLabels', 'podTargetLabels'],
    'spec',
  );
  const labels = spec.selector?.matchLabels;
  if (!labels || !Object.keys(labels).length) out.push('spec.selector.matchLabels missing or empty');
  else if (Object.values(labels).some((v) => typeof v !== 'string'))
    out.push('spec.selector.matchLabels: non-string value');
  if (!Array.isArray(spec.endpoints) || !spec.endpoints.length)
    return [...out, 'spec.endpoints missing or empty'];
  for (const [i, e] of spec.endpoints.entries()) {
    const where = `spec.endpoints[${i}]`;
    known(e, ['port', 'targetPort', 'path', 'interval', 'scrapeTimeout', 'scheme', 'honorLabels'], where);
    if (typeof e.port !== 'string' || !e.port) out.push(`${where}.port: expected the Service port's name`);
    if (e.path !== undefined && (typeof e.path !== 'string' || !e.path.startsWith('/')))
      out.push(`${where}.path: expected an absolute path`);
    for (const d of ['interval', 'scrapeTimeout'])
      if (e[d] !== undefined && !/^(\d+(ms|s|m|h))+$/.test(String(e[d])))
        out.push(`${where}.${d}: not a duration`);
    if (e.scheme !== undefined && !['http', 'https'].includes(String(e.scheme)))
      out.push(`${where}.scheme: not http(s)`);
  }
  return out;
}

/**
 * What a ServiceMonitor scrapes in a rendered deployment: the Services of its namespace whose labels
 * include its selector, and of those the ports named by its endpoints (the operator's own matching).
 */
export function serviceMonitorTargets(objects: K8sObject[], sm: K8sObject): string[] {
  const spec = sm.spec as ServiceMonitorSpec;
  const selector = spec.selector?.matchLabels ?? {};
  return objects
    .filter((o) => o.kind === 'Service')
    .filter((s) => s.metadata.namespace === sm.metadata.namespace)
    .filter((s) => Object.entries(selector).every(([k, v]) => s.metadata.labels?.[k] === v))
    .flatMap((s) =>
      (spec.endpoints ?? [])
        .filter((e) => (s.spec as { ports: Array<{ name?: string }> }).ports.some((p) => p.name === e.port))
        .map((e) => `${s.metadata.name}:${String(e.port)}${String(e.path ?? '/metrics')}`),
    );
}
