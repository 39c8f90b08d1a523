import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  byKind,
  one,
  overlayDir,
  renders,
  serviceMonitorDir,
  validateObject,
  type DeploymentSpec,
  type IngressSpec,
  type ServiceSpec,
} from './helpers/kubernetes-manifests.js';
import {
  serviceMonitorShape,
  serviceMonitorTargets,
  type ServiceMonitorSpec,
} from './helpers/service-monitor.js';

/**
 * deploy/kubernetes/: how traffic reaches the pods: the Services, the Ingress and its Host allow-list, the
 * metrics port and Service, and the optional ServiceMonitor.
 */
describe('deploy/kubernetes (kustomize base + example overlay)', () => {
  it('Services: port 8000; /mcp with no affinity (stateless), legacy SSE with ClientIP affinity', () => {
    const main = one(renders.base, 'Service', 'proxmox-mcp').spec as ServiceSpec;
    const legacy = one(renders.base, 'Service', 'proxmox-mcp-legacy-sse').spec as ServiceSpec;
    for (const s of [main, legacy]) {
      expect(s.type).toBe('ClusterIP');
      expect(s.ports).toEqual([{ name: 'http', port: 8000, targetPort: 'http' }]);
    }
    expect(main.sessionAffinity ?? 'None').toBe('None');
    expect(legacy.sessionAffinity).toBe('ClientIP');
  });

  it('Ingress: its hosts are the allow-listed Hosts, /mcp to the plain Service, /sse + /messages sticky', () => {
    const d = one(renders.overlay, 'Deployment', 'proxmox-mcp').spec as DeploymentSpec;
    const allowed = (
      d.template.spec.containers[0]!.env!.find((e) => e.name === 'MCP_ALLOWED_HOSTS')?.value ?? ''
    )
      .split(',')
      .map((h) => h.trim());
    const routes: Record<string, string> = {};
    for (const ing of byKind(renders.overlay, 'Ingress')) {
      const spec = ing.spec as IngressSpec;
      for (const rule of spec.rules) {
        expect(allowed, `Ingress ${ing.metadata.name} host ${rule.host}`).toContain(rule.host);
        for (const p of rule.http.paths) {
          const svc = one(renders.overlay, 'Service', p.backend.service.name).spec as ServiceSpec;
          expect(svc.ports.map((x) => x.name)).toContain(p.backend.service.port.name);
          routes[p.path] = p.backend.service.name;
        }
      }
      if (
        Object.values(routes).includes('proxmox-mcp-legacy-sse') &&
        ing.metadata.name.endsWith('legacy-sse')
      )
        expect(ing.metadata.annotations).toHaveProperty(['nginx.ingress.kubernetes.io/upstream-hash-by']);
    }
    expect(routes).toEqual({
      '/mcp': 'proxmox-mcp',
      '/healthz': 'proxmox-mcp',
      // OAuth protected resource metadata (Prefix: the bare path, /mcp and /sse); 404 without OAuth.
      '/.well-known/oauth-protected-resource': 'proxmox-mcp',
      '/sse': 'proxmox-mcp-legacy-sse',
      '/messages': 'proxmox-mcp-legacy-sse',
    });
  });

  it("/metrics: its own container port and Service (not the clients' Services, never the Ingress)", () => {
    const c = (one(renders.overlay, 'Deployment', 'proxmox-mcp').spec as DeploymentSpec).template.spec
      .containers[0]!;
    const port = Number(c.env!.find((e) => e.name === 'MCP_METRICS_PORT')?.value);
    expect(c.ports?.find((p) => p.name === 'metrics')?.containerPort).toBe(port);
    // Listens where the MCP listener does (MCP_METRICS_HOST unset: MCP_HOST, the pod IP).
    expect(c.env!.find((e) => e.name === 'MCP_METRICS_HOST')).toBeUndefined();
    const svc = one(renders.overlay, 'Service', 'proxmox-mcp-metrics');
    expect((svc.spec as ServiceSpec).ports).toEqual([{ name: 'metrics', port, targetPort: 'metrics' }]);
    for (const name of ['proxmox-mcp', 'proxmox-mcp-legacy-sse'])
      expect(
        (one(renders.overlay, 'Service', name).spec as ServiceSpec).ports.map((p) => p.name),
      ).not.toContain('metrics');
    for (const ing of byKind(renders.overlay, 'Ingress'))
      for (const rule of (ing.spec as IngressSpec).rules)
        for (const p of rule.http.paths) expect(p.backend.service.name).not.toBe('proxmox-mcp-metrics');
  });

  it('ServiceMonitor (optional component, shape-checked: a CRD kubernetes-models lacks): it scrapes the metrics port of exactly the metrics Service', () => {
    const overlayText = readFileSync(path.join(overlayDir, 'kustomization.yaml'), 'utf8');
    // The overlay names the component, commented out (it needs the operator's CRDs), at the right path.
    const named = /^#\s*-\s*(\S*components\/servicemonitor)\s*$/m.exec(overlayText)?.[1];
    expect(named && path.join(overlayDir, named)).toBe(serviceMonitorDir);
    expect(byKind(renders.overlay, 'ServiceMonitor')).toEqual([]);
    const [sm, ...more] = byKind(renders.monitored, 'ServiceMonitor');
    expect(more).toEqual([]);
    expect(sm!.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(serviceMonitorShape(sm!)).toEqual([]);
    expect(sm!.metadata.namespace).toBe('proxmox-mcp');
    expect(serviceMonitorTargets(renders.monitored, sm!)).toEqual(['proxmox-mcp-metrics:metrics/metrics']);

    // And the checks catch a ServiceMonitor that would scrape nothing or is malformed.
    const edited = (edit: (spec: ServiceMonitorSpec) => void) => {
      const copy = structuredClone(sm!);
      edit(copy.spec as ServiceMonitorSpec);
      return copy;
    };
    const wrongPort = edited((s) => (s.endpoints![0]!.port = 'http-metrics'));
    expect(serviceMonitorTargets(renders.monitored, wrongPort)).toEqual([]);
    const wrongLabels = edited((s) => (s.selector!.matchLabels = { app: 'proxmox-mcp' }));
    expect(serviceMonitorTargets(renders.monitored, wrongLabels)).toEqual([]);
    expect(serviceMonitorShape(edited((s) => (s.endpoints![0]!.interval = '30 seconds')))).toEqual([
      'spec.endpoints[0].interval: not a duration',
    ]);
    expect(serviceMonitorShape(edited((s) => (s.endpoints![0]!.portName = 'metrics')))).toEqual([
      'spec.endpoints[0]: unknown field portName',
    ]);
    expect(serviceMonitorShape(edited((s) => delete s.selector))).toEqual([
      'spec.selector.matchLabels missing or empty',
    ]);
    expect(() => validateObject(edited((s) => (s.endpoints = [])))).toThrow(/endpoints/);
  });
});
