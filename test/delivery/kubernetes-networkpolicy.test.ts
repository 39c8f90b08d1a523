import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { readKustomization, render, type K8sObject } from './helpers/kustomize.js';
import {
  byKind,
  one,
  overlayDir,
  renders,
  root,
  validateObject,
  type DeploymentSpec,
} from './helpers/kubernetes-manifests.js';

/**
 * deploy/kubernetes/components/networkpolicy: rendered into the example overlay, its NetworkPolicy selects
 * exactly the server pods, names only ports the container has, opens the MCP port to anyone and the
 * unauthenticated /metrics port only to Prometheus's namespace, and leaves egress alone.
 */
interface Peer {
  namespaceSelector?: { matchLabels?: Record<string, string> };
  podSelector?: object;
  ipBlock?: object;
}
interface Rule {
  from?: Peer[];
  ports?: Array<{ port?: string | number; protocol?: string }>;
}
interface NetworkPolicySpec {
  podSelector: { matchLabels?: Record<string, string> };
  policyTypes?: string[];
  ingress?: Rule[];
  egress?: unknown[];
}

const componentDir = path.join(root, 'components', 'networkpolicy');
const rendered = render(overlayDir, [path.relative(overlayDir, componentDir)]);
const ANYONE = 'anyone';
const PROMETHEUS = JSON.stringify({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
});

/** Who a policy lets reach the container port `name` (a rule without ports covers every port). */
function reachedBy(spec: NetworkPolicySpec, port: { name?: string; containerPort: number }): string[] {
  return (spec.ingress ?? [])
    .filter(
      (r) => !r.ports?.length || r.ports.some((p) => p.port === port.name || p.port === port.containerPort),
    )
    .flatMap((r) => (r.from?.length ? r.from.map((peer) => JSON.stringify(peer)) : [ANYONE]));
}

/** What is wrong with the NetworkPolicy of a rendered deployment, as a list (empty when nothing). */
function problems(objects: K8sObject[]): string[] {
  const out: string[] = [];
  const np = one(objects, 'NetworkPolicy', 'proxmox-mcp');
  const spec = np.spec as NetworkPolicySpec;
  const deployment = one(objects, 'Deployment', 'proxmox-mcp');
  const { template } = deployment.spec as DeploymentSpec;
  if (np.metadata.namespace !== deployment.metadata.namespace) out.push('not in the Deployment namespace');
  if (
    JSON.stringify(Object.entries(spec.podSelector.matchLabels ?? {}).sort()) !==
    JSON.stringify(Object.entries(template.metadata.labels).sort())
  )
    out.push("podSelector is not exactly the Deployment's pod labels");
  const ports = template.spec.containers.flatMap((c) => c.ports ?? []);
  for (const r of spec.ingress ?? [])
    for (const p of r.ports ?? [])
      if (!ports.some((c) => c.name === p.port || c.containerPort === p.port))
        out.push(`ingress names port ${String(p.port)}, which the container lacks`);
  const port = (name: string) => ports.find((p) => p.name === name) ?? { name, containerPort: -1 };
  if (!reachedBy(spec, port('http')).includes(ANYONE)) out.push('the http port is not open to clients');
  const metrics = reachedBy(spec, port('metrics'));
  if (metrics.length !== 1 || metrics[0] !== PROMETHEUS)
    out.push(
      `the metrics port is reachable from ${metrics.join(', ') || 'no one'}, not only Prometheus's namespace`,
    );
  if (spec.policyTypes?.includes('Egress') || spec.egress) out.push('egress is restricted');
  return out;
}

describe('deploy/kubernetes/components/networkpolicy (optional component)', () => {
  it('renders a valid NetworkPolicy (kubernetes-models) into the example overlay, and only with the component', () => {
    expect(readKustomization(componentDir).kind).toBe('Component');
    const [np, ...more] = byKind(rendered, 'NetworkPolicy');
    expect(more).toEqual([]);
    expect(np!.apiVersion).toBe('networking.k8s.io/v1');
    for (const o of rendered) expect(() => validateObject(o), `${o.kind} ${o.metadata.name}`).not.toThrow();
    const typo = structuredClone(np!);
    (typo.spec as { policyTypes: unknown }).policyTypes = 'Ingress';
    expect(() => validateObject(typo)).toThrow(/policyTypes/);
    expect(byKind(renders.overlay, 'NetworkPolicy')).toEqual([]);
    // The overlay names it, commented out, at the right path.
    const overlayText = readFileSync(path.join(overlayDir, 'kustomization.yaml'), 'utf8');
    const named = /^#\s*-\s*(\S*components\/networkpolicy)\s*$/m.exec(overlayText)?.[1];
    expect(named && path.join(overlayDir, named)).toBe(componentDir);
    expect(readKustomization(overlayDir).components ?? []).toEqual([]);
  });

  it("selects exactly the server pods, names the container's ports, opens http to all and metrics to Prometheus only, egress untouched", () => {
    expect(problems(rendered)).toEqual([]);
    const spec = one(rendered, 'NetworkPolicy', 'proxmox-mcp').spec as NetworkPolicySpec;
    expect(spec.policyTypes).toEqual(['Ingress']);
  });

  it('the checks catch a broken policy (wrong pod label, metrics open to all, unknown port, egress denied)', () => {
    const broken = (edit: (spec: NetworkPolicySpec) => void) => {
      const objects = structuredClone(rendered);
      edit(one(objects, 'NetworkPolicy', 'proxmox-mcp').spec as NetworkPolicySpec);
      return problems(objects);
    };
    expect(broken((s) => (s.podSelector.matchLabels!['app.kubernetes.io/component'] = 'metrics'))).toEqual([
      "podSelector is not exactly the Deployment's pod labels",
    ]);
    expect(broken((s) => delete s.podSelector.matchLabels!['app.kubernetes.io/name'])).toEqual([
      "podSelector is not exactly the Deployment's pod labels",
    ]);
    expect(broken((s) => s.ingress![0]!.ports!.push({ port: 'metrics', protocol: 'TCP' }))).toEqual([
      `the metrics port is reachable from ${ANYONE}, ${PROMETHEUS}, not only Prometheus's namespace`,
    ]);
    expect(broken((s) => delete s.ingress![1]!.from)).toEqual([
      `the metrics port is reachable from ${ANYONE}, not only Prometheus's namespace`,
    ]);
    expect(broken((s) => delete s.ingress![0]!.ports)).toEqual([
      `the metrics port is reachable from ${ANYONE}, ${PROMETHEUS}, not only Prometheus's namespace`,
    ]);
    expect(broken((s) => (s.ingress![1]!.ports![0]!.port = 9090))).toEqual([
      'ingress names port 9090, which the container lacks',
      "the metrics port is reachable from no one, not only Prometheus's namespace",
    ]);
    expect(broken((s) => (s.ingress![0]!.from = [{ podSelector: {} }]))).toEqual([
      'the http port is not open to clients',
    ]);
    expect(broken((s) => (s.policyTypes = ['Ingress', 'Egress']))).toEqual(['egress is restricted']);
  });

  it('the README names the component where it mentions the NetworkPolicy', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const start = readme.indexOf('\n### Run on Kubernetes\n');
    const section = readme.slice(start, readme.indexOf('\n### ', start + 1));
    const metrics = section.slice(section.indexOf('**Metrics.**'), section.indexOf('| series'));
    expect(metrics).toMatch(/NetworkPolicy[^]*`deploy\/kubernetes\/components\/networkpolicy`/);
    expect(metrics).toContain('`kubernetes.io/metadata.name: monitoring`');
  });
});
