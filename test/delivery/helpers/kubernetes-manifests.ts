import path from 'node:path';
import { readdirSync } from 'node:fs';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { repoRoot } from '../../helpers/cli.js';
import { readDockerfile } from './dockerfile.js';
import { render, type K8sObject } from './kustomize.js';
import { serviceMonitorShape } from './service-monitor.js';

export { one } from './kubernetes-pod.js';

/**
 * deploy/kubernetes/ as the kubernetes*.test.ts files read it: where its parts are, the base, the example
 * overlay and the overlay with the ServiceMonitor component rendered as kustomize would, the shapes of the
 * objects the tests look into, and validateObject() against the Kubernetes API schemas (kubernetes-models).
 */
export const root = path.join(repoRoot, 'deploy', 'kubernetes');
export const baseDir = path.join(root, 'base');
export const overlayDir = path.join(root, 'overlays', 'example');
export const serviceMonitorDir = path.join(root, 'components', 'servicemonitor');
export const image = readDockerfile();

export const yamlFiles = readdirSync(root, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name) && e.name !== 'kustomization.yaml')
  .map((e) => path.join(e.parentPath, e.name));

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: Record<string, unknown> }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[]; add?: string[] } };
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}
export interface Probe {
  httpGet?: { path: string; port: string | number };
}
export interface PodSpec {
  securityContext?: Record<string, unknown> & { seccompProfile?: { type: string } };
  containers: Container[];
  volumes?: Array<{
    name: string;
    configMap?: { name: string };
    secret?: { secretName: string };
    emptyDir?: object;
  }>;
}
export interface DeploymentSpec {
  replicas?: number;
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
}
export interface ServiceSpec {
  type?: string;
  selector: Record<string, string>;
  sessionAffinity?: string;
  ports: Array<{ name?: string; port: number; targetPort: string | number }>;
}
export interface IngressSpec {
  rules: Array<{
    host: string;
    http: { paths: Array<{ path: string; backend: { service: { name: string; port: { name?: string } } } }> };
  }>;
}

export const byKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);

/** apiVersion + kind → the kubernetes-models class, whose validate() checks the API schema. */
export const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1 Deployment': Deployment,
  'v1 Service': Service,
  'v1 ConfigMap': ConfigMap,
  'v1 Secret': Secret,
  'networking.k8s.io/v1 Ingress': Ingress,
  'networking.k8s.io/v1 NetworkPolicy': NetworkPolicy,
};
export function validateObject(o: K8sObject): void {
  if (o.apiVersion === 'monitoring.coreos.com/v1' && o.kind === 'ServiceMonitor') {
    const problems = serviceMonitorShape(o);
    if (problems.length) throw new Error(problems.join('; '));
    return;
  }
  const Model = MODELS[`${o.apiVersion} ${o.kind}`];
  if (!Model) throw new Error(`no kubernetes-models class listed for ${o.apiVersion} ${o.kind}`);
  new Model(o as never).validate();
}

export const renders = {
  base: render(baseDir),
  overlay: render(overlayDir),
  /** The overlay with the optional ServiceMonitor component enabled. */
  monitored: render(overlayDir, [path.relative(overlayDir, serviceMonitorDir)]),
};
