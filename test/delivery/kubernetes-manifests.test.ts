import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKustomization, readYamlDocuments, type K8sObject } from './helpers/kustomize.js';
import {
  one,
  renders,
  root,
  validateObject,
  yamlFiles,
  type DeploymentSpec,
  type PodSpec,
} from './helpers/kubernetes-manifests.js';
import { problems } from './helpers/kubernetes-promises.js';

/**
 * deploy/kubernetes/: every object valid against the Kubernetes API schemas (kubernetes-models), and the base
 * and the example overlay, rendered as kustomize would, hold what the README promises (hardened, probed on
 * /healthz, the image's stateless server, secrets only as mounted files, no secret literal anywhere).
 */
describe('deploy/kubernetes (kustomize base + example overlay)', () => {
  it('every YAML document is a valid Kubernetes object (kubernetes-models), raw and rendered', () => {
    // Patches are partial objects: they are validated as part of the rendered overlay.
    const kustomizations = readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name === 'kustomization.yaml')
      .map((e) => e.parentPath);
    const patches = new Set(
      kustomizations.flatMap((dir) =>
        (readKustomization(dir).patches ?? []).map((p) => path.join(dir, p.path)),
      ),
    );
    const raw = yamlFiles.filter((f) => !patches.has(f)).flatMap((f) => readYamlDocuments(f) as K8sObject[]);
    expect(raw.length).toBeGreaterThanOrEqual(6);
    for (const o of [...raw, ...renders.base, ...renders.overlay]) {
      expect(() => validateObject(o), `${o.kind} ${o.metadata.name}`).not.toThrow();
    }
    expect(renders.base.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/proxmox-mcp-config',
      'Deployment/proxmox-mcp',
      'Service/proxmox-mcp',
      'Service/proxmox-mcp-legacy-sse',
      'Service/proxmox-mcp-metrics',
    ]);
    expect(renders.overlay.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/proxmox-mcp-config',
      'Deployment/proxmox-mcp',
      'Ingress/proxmox-mcp',
      'Ingress/proxmox-mcp-legacy-sse',
      'Service/proxmox-mcp',
      'Service/proxmox-mcp-legacy-sse',
      'Service/proxmox-mcp-metrics',
    ]);
    for (const o of renders.monitored)
      expect(() => validateObject(o), `${o.kind} ${o.metadata.name}`).not.toThrow();
  });

  it('the schema check catches a broken object (wrong type, missing required field)', () => {
    const d = structuredClone(one(renders.base, 'Deployment', 'proxmox-mcp'));
    (d.spec as { replicas: unknown }).replicas = 'two';
    expect(() => validateObject(d)).toThrow(/replicas/);
    const s = structuredClone(one(renders.base, 'Service', 'proxmox-mcp'));
    delete (s.spec as { ports: Array<{ port?: number }> }).ports[0]!.port;
    expect(() => validateObject(s)).toThrow(/port/);
  });

  it('base and overlay keep every promise: stateless image command, hardening, probes, resources, secrets as files', () => {
    expect(problems(renders.base)).toEqual([]);
    expect(problems(renders.overlay)).toEqual([]);
  });

  it('the invariants fail for a manifest that breaks one (root, writable root, no --stateless, literal token, ...)', () => {
    const broken = (edit: (pod: PodSpec, objects: K8sObject[]) => void) => {
      const objects = structuredClone(renders.overlay);
      edit((one(objects, 'Deployment', 'proxmox-mcp').spec as DeploymentSpec).template.spec, objects);
      return problems(objects);
    };
    const c = (pod: PodSpec) => pod.containers[0]!;
    expect(broken((pod) => (pod.securityContext!.runAsUser = 0))).toEqual([
      "pod: runAsUser is not the image's user 1000",
    ]);
    expect(broken((pod) => (c(pod).securityContext!.readOnlyRootFilesystem = false))).toEqual([
      'proxmox-mcp: root filesystem is not read-only',
    ]);
    expect(broken((pod) => (c(pod).args = ['sse']))).toEqual(['proxmox-mcp: does not run sse --stateless']);
    expect(broken((pod) => (c(pod).readinessProbe!.httpGet!.path = '/mcp'))).toEqual([
      "proxmox-mcp: a probe is not GET /healthz on the server's port",
    ]);
    expect(broken((pod) => c(pod).env!.push({ name: 'MCP_AUTH_TOKEN', value: 'x'.repeat(32) }))).toContain(
      'proxmox-mcp: env MCP_AUTH_TOKEN holds a secret literally',
    );
    expect(
      broken((pod) => (c(pod).securityContext!.capabilities = { drop: ['ALL'], add: ['NET_ADMIN'] })),
    ).toEqual(['proxmox-mcp: capabilities are not drop [ALL]']);
    expect(broken((pod) => (c(pod).ports = c(pod).ports!.slice(0, 1)))).toEqual([
      'proxmox-mcp: no container port "metrics" at MCP_METRICS_PORT (apart from the MCP port)',
    ]);
    expect(broken((pod) => (c(pod).resources!.requests!.memory = '64Mi'))).toEqual([
      'proxmox-mcp: memory request below the measured sse peak, or no higher limit',
    ]);
    expect(
      broken((_pod, objects) =>
        objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { t: 'x' } }),
      ),
    ).toEqual(['a Secret is in the manifests (secrets are created, never committed)']);
  });

  it('no secret-like literal in any file: no Secret object, no token_secret, no long hex or UUID', () => {
    const files = readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name));
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(text, f).not.toMatch(/^kind:\s*Secret\s*$/m);
      expect(text, f).not.toMatch(/"token_secret"\s*:/);
      expect(text, f).not.toMatch(/\b[0-9a-f]{32,}\b/i);
      expect(text, f).not.toMatch(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i);
      expect(text, f).not.toMatch(/stringData|secretGenerator/);
    }
  });
});
