import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { repoRoot } from '../helpers/cli.js';
import { readDockerfile } from './helpers/dockerfile.js';
import {
  containersOf,
  readKustomization,
  readYamlDocuments,
  render,
  type K8sObject,
} from './helpers/kustomize.js';
import { sourceMentions } from './helpers/source.js';
import {
  serviceMonitorShape,
  serviceMonitorTargets,
  type ServiceMonitorSpec,
} from './helpers/service-monitor.js';

/**
 * deploy/kubernetes/: every object valid against the Kubernetes API schemas (kubernetes-models), and
 * the base and the example overlay, rendered as kustomize would, hold what the README promises: the
 * image's stateless server, hardened, probed on /healthz, secrets only as mounted files, a clusters.json
 * our loader accepts, a Host allow-list that matches the Ingress, and the release workflow's image.
 */
const root = path.join(repoRoot, 'deploy', 'kubernetes');
const baseDir = path.join(root, 'base');
const overlayDir = path.join(root, 'overlays', 'example');
const serviceMonitorDir = path.join(root, 'components', 'servicemonitor');
const image = readDockerfile();

const yamlFiles = readdirSync(root, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name) && e.name !== 'kustomization.yaml')
  .map((e) => path.join(e.parentPath, e.name));

interface Container {
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
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface PodSpec {
  securityContext?: Record<string, unknown> & { seccompProfile?: { type: string } };
  containers: Container[];
  volumes?: Array<{
    name: string;
    configMap?: { name: string };
    secret?: { secretName: string };
    emptyDir?: object;
  }>;
}
interface DeploymentSpec {
  replicas?: number;
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
}
interface ServiceSpec {
  type?: string;
  selector: Record<string, string>;
  sessionAffinity?: string;
  ports: Array<{ name?: string; port: number; targetPort: string | number }>;
}
interface IngressSpec {
  rules: Array<{
    host: string;
    http: { paths: Array<{ path: string; backend: { service: { name: string; port: { name?: string } } } }> };
  }>;
}

const byKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const one = (objects: K8sObject[], kind: string, name: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o;
};

/** apiVersion + kind → the kubernetes-models class, whose validate() checks the API schema. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1 Deployment': Deployment,
  'v1 Service': Service,
  'v1 ConfigMap': ConfigMap,
  'v1 Secret': Secret,
  'networking.k8s.io/v1 Ingress': Ingress,
};
function validateObject(o: K8sObject): void {
  if (o.apiVersion === 'monitoring.coreos.com/v1' && o.kind === 'ServiceMonitor') {
    const problems = serviceMonitorShape(o);
    if (problems.length) throw new Error(problems.join('; '));
    return;
  }
  const Model = MODELS[`${o.apiVersion} ${o.kind}`];
  if (!Model) throw new Error(`no kubernetes-models class listed for ${o.apiVersion} ${o.kind}`);
  new Model(o as never).validate();
}

const MB = 1024 * 1024;
function bytesOf(quantity: string): number {
  const m = /^(\d+)(Mi|Gi|M|G)?$/.exec(quantity);
  if (!m) throw new Error(`quantity ${quantity}`);
  const unit = { Mi: MB, Gi: 1024 * MB, M: 1e6, G: 1e9 }[m[2] as 'Mi'] ?? 1;
  return Number(m[1]) * unit;
}

/** The measured sse RSS peak from the README's performance table. */
function measuredSsePeakBytes(): number {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const m = /\| sse server RSS: idle \/ peak under load \/ after\s*\|\s*[\d.]+ \/ ([\d.]+) \//.exec(readme);
  if (!m?.[1]) throw new Error('README has no sse RSS figure');
  return Number(m[1]) * MB;
}

const SECRET_NAME = /TOKEN|SECRET|PASSWORD|KEY/i;

/**
 * Everything the README promises of a rendered deployment, as a list of broken promises (empty when
 * all hold), so the tests below can also show that a manifest that breaks one is caught.
 */
function problems(objects: K8sObject[]): string[] {
  const out: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) out.push(what);
  };
  const uid = Number(image.user?.split(':')[0]);
  for (const d of byKind(objects, 'Deployment')) {
    const spec = d.spec as DeploymentSpec;
    const pod = spec.template.spec;
    check((spec.replicas ?? 1) >= 2, `${d.metadata.name}: fewer than 2 replicas`);
    check(pod.securityContext?.runAsNonRoot === true, 'pod: runAsNonRoot is not true');
    check(
      pod.securityContext?.runAsUser === uid && uid !== 0,
      `pod: runAsUser is not the image's user ${uid}`,
    );
    check(
      pod.securityContext?.seccompProfile?.type === 'RuntimeDefault',
      'pod: seccomp is not RuntimeDefault',
    );
    const tmp = new Set(pod.volumes?.filter((v) => v.emptyDir).map((v) => v.name));
    const secretVolumes = new Set(pod.volumes?.filter((v) => v.secret).map((v) => v.name));
    for (const c of pod.containers) {
      const sc = c.securityContext ?? {};
      check(sc.allowPrivilegeEscalation === false, `${c.name}: allowPrivilegeEscalation is not false`);
      check(sc.readOnlyRootFilesystem === true, `${c.name}: root filesystem is not read-only`);
      check(sc.privileged !== true, `${c.name}: privileged`);
      check(sc.runAsUser === undefined || sc.runAsUser === uid, `${c.name}: runAsUser overridden`);
      check(
        JSON.stringify(sc.capabilities?.drop) === '["ALL"]' && !sc.capabilities?.add?.length,
        `${c.name}: capabilities are not drop [ALL]`,
      );
      // The image's entrypoint (proxmox-mcp) with the image's command plus --stateless.
      check(c.command === undefined, `${c.name}: overrides the image's entrypoint`);
      check(
        c.args?.[0] === image.cmd[0] && (c.args?.includes('--stateless') ?? false),
        `${c.name}: does not run ${image.cmd.join(' ')} --stateless`,
      );
      const env = new Map((c.env ?? []).map((e) => [e.name, e]));
      const port = Number(env.get('MCP_PORT')?.value ?? image.env.MCP_PORT);
      check(port === Number(image.expose[0]?.split('/')[0]), `${c.name}: MCP_PORT is not the image's port`);
      check(c.ports?.[0]?.containerPort === port, `${c.name}: containerPort is not MCP_PORT`);
      check(env.get('MCP_HOST')?.value === '0.0.0.0', `${c.name}: MCP_HOST does not listen on the pod IP`);
      const metricsPort = Number(env.get('MCP_METRICS_PORT')?.value);
      check(
        c.ports?.some((p) => p.name === 'metrics' && p.containerPort === metricsPort) === true &&
          metricsPort !== port,
        `${c.name}: no container port "metrics" at MCP_METRICS_PORT (apart from the MCP port)`,
      );
      for (const probe of [c.readinessProbe, c.livenessProbe]) {
        const target = probe?.httpGet;
        check(
          target?.path === '/healthz' &&
            (target.port === port || target.port === c.ports?.find((p) => p.containerPort === port)?.name),
          `${c.name}: a probe is not GET /healthz on the server's port`,
        );
      }
      const req = c.resources?.requests?.memory;
      const lim = c.resources?.limits?.memory;
      check(
        !!req && !!lim && bytesOf(req) >= measuredSsePeakBytes() && bytesOf(lim) > bytesOf(req),
        `${c.name}: memory request below the measured sse peak, or no higher limit`,
      );
      check(!!c.resources?.requests?.cpu, `${c.name}: no cpu request`);
      for (const e of c.env ?? []) {
        check(sourceMentions(e.name), `${c.name}: env ${e.name} is not read by the code`);
        check(
          !SECRET_NAME.test(e.name) || e.name.endsWith('_FILE') || !!e.valueFrom?.secretKeyRef,
          `${c.name}: env ${e.name} holds a secret literally`,
        );
      }
      const mounts = c.volumeMounts ?? [];
      const tmpMount = mounts.find((m) => m.mountPath === '/tmp');
      check(!!tmpMount && tmp.has(tmpMount.name), `${c.name}: /tmp is not a writable emptyDir`);
      check(
        (image.env.PROXMOX_MCP_CACHE_DIR ?? '').startsWith('/tmp/'),
        "the image's cache dir is not below /tmp",
      );
      const secretMount = mounts.find((m) => secretVolumes.has(m.name));
      check(!!secretMount?.readOnly, `${c.name}: the Secret is not mounted read-only`);
      const tokenFile = env.get('MCP_AUTH_TOKEN_FILE')?.value ?? '';
      check(
        !!secretMount && tokenFile.startsWith(`${secretMount.mountPath}/`),
        `${c.name}: the bearer token is not read from the mounted Secret`,
      );
      check(
        !env.has('MCP_AUTH_TOKEN') || !!env.get('MCP_AUTH_TOKEN')?.valueFrom?.secretKeyRef,
        'MCP_AUTH_TOKEN literal',
      );
    }
    for (const s of byKind(objects, 'Service')) {
      const ss = s.spec as ServiceSpec;
      const labels = spec.template.metadata.labels;
      check(
        Object.entries(ss.selector).every(([k, v]) => labels[k] === v),
        `${s.metadata.name}: selector does not match the pods`,
      );
    }
  }
  check(
    byKind(objects, 'Secret').length === 0,
    'a Secret is in the manifests (secrets are created, never committed)',
  );
  return out;
}

/** clusters.json of the rendered ConfigMap, loaded by loadConfig with its secret files faked. */
async function loadRenderedConfig(objects: K8sObject[]) {
  const d = one(objects, 'Deployment', 'proxmox-mcp').spec as DeploymentSpec;
  const c = d.template.spec.containers[0]!;
  const configPath =
    c.env?.find((e) => e.name === 'PROXMOX_MCP_CONFIG')?.value ?? image.env.PROXMOX_MCP_CONFIG!;
  const configMount = c.volumeMounts?.find((m) => configPath.startsWith(`${m.mountPath}/`));
  const configVolume = d.template.spec.volumes?.find((v) => v.name === configMount?.name);
  const cm = one(objects, 'ConfigMap', configVolume?.configMap?.name ?? '?');
  const text = (cm.data as Record<string, string>)[path.basename(configPath)];
  if (text === undefined)
    throw new Error(`ConfigMap ${cm.metadata.name} has no ${path.basename(configPath)}`);
  const secretVolume = d.template.spec.volumes?.find((v) => v.secret)?.name;
  const secretDir = c.volumeMounts?.find((m) => m.name === secretVolume)?.mountPath ?? '?';

  const dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-k8s-'));
  const raw = JSON.parse(text) as { clusters: Record<string, Record<string, unknown>> };
  const keys: string[] = [];
  for (const entry of Object.values(raw.clusters)) {
    expect(entry, 'a literal token_secret in the ConfigMap').not.toHaveProperty('token_secret');
    const file = String(entry.token_secret_file);
    expect(path.dirname(file), 'token_secret_file outside the mounted Secret').toBe(secretDir);
    keys.push(path.basename(file));
    writeFileSync(path.join(dir, path.basename(file)), 'fake-secret-for-the-test\n');
    entry.token_secret_file = path.join(dir, path.basename(file));
  }
  const configFile = path.join(dir, 'clusters.json');
  writeFileSync(configFile, JSON.stringify(raw));
  const loaded = await loadConfig({ configFlag: configFile, env: {}, cwd: dir, homedir: dir });
  return { loaded, keys };
}

const renders = {
  base: render(baseDir),
  overlay: render(overlayDir),
  /** The overlay with the optional ServiceMonitor component enabled. */
  monitored: render(overlayDir, [path.relative(overlayDir, serviceMonitorDir)]),
};

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

  it("the ConfigMap's clusters.json passes our config loader, with token secrets read from the mounted Secret's files", async () => {
    const base = await loadRenderedConfig(renders.base);
    expect(base.loaded.clusters.map((c) => c.name)).toEqual(['pve']);
    expect(base.loaded.clusters[0]!.tokenSecret).toBe('fake-secret-for-the-test');
    const overlay = await loadRenderedConfig(renders.overlay);
    expect(overlay.loaded.defaultCluster).toBe('prod');
    expect(overlay.loaded.clusters[0]!.tokenSecret).toBe('fake-secret-for-the-test');
    // The documented `kubectl create secret` provides every key the config and the bearer token read.
    const recipe = readFileSync(path.join(overlayDir, 'kustomization.yaml'), 'utf8');
    const created = [...recipe.matchAll(/--from-file=([\w.-]+)=/g)].map((m) => m[1]);
    expect(created).toEqual(expect.arrayContaining(['mcp_token', ...overlay.keys]));
  });

  it('the overlay changes replicas, image, host and clusters.json, and nothing the base hardens', () => {
    const d = one(renders.overlay, 'Deployment', 'proxmox-mcp').spec as DeploymentSpec;
    const b = one(renders.base, 'Deployment', 'proxmox-mcp').spec as DeploymentSpec;
    expect(d.replicas).toBe(3);
    expect(b.replicas).toBe(2);
    const env = (s: DeploymentSpec) =>
      Object.fromEntries(s.template.spec.containers[0]!.env!.map((e) => [e.name, e.value]));
    expect(env(d)).toEqual({ ...env(b), MCP_ALLOWED_HOSTS: 'mcp.example.com' });
    expect(d.template.spec.containers[0]!.securityContext).toEqual(
      b.template.spec.containers[0]!.securityContext,
    );
    for (const o of renders.overlay) expect(o.metadata.namespace).toBe('proxmox-mcp');
  });

  it("the image is the release workflow's: <registry>/<owner>/proxmox-mcp:<package version form>", () => {
    const release = readFileSync(path.join(repoRoot, '.gitea', 'workflows', 'release.yml'), 'utf8');
    expect(release).toContain(
      `name="$(printf '%s/%s' "$registry" "$GITHUB_REPOSITORY" | tr '[:upper:]' '[:lower:]')"`,
    );
    expect(release).toContain('tags="$name:$VERSION"');
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string };
    const overlay = readKustomization(overlayDir);
    expect(containersOf(renders.base).map((c) => c.image)).toEqual([`${pkg.name}:latest`]);
    expect(overlay.images?.map((i) => i.name)).toEqual([pkg.name]);
    const [img] = containersOf(renders.overlay);
    // $VERSION is package.json's version (the tag without its v), the repository name is the package's.
    expect(img?.image).toMatch(
      new RegExp(`^[a-z0-9.:-]+/[a-z0-9._-]+/${pkg.name}:\\d+\\.\\d+\\.\\d+(-[\\w.]+)?$`),
    );
  });

  it('the README walks through the overlay that exists, creating the Secret keys the manifests read', async () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const start = readme.indexOf('\n### Run on Kubernetes\n');
    expect(start).toBeGreaterThan(0);
    // The bearer walkthrough; its "With OAuth" step is checked by kubernetes-oauth.test.ts.
    const section = readme.slice(start, readme.indexOf('\n**With OAuth.**', start + 1));
    const applied = /kubectl apply -k (\S+)`/.exec(section)?.[1];
    expect(applied && path.join(repoRoot, applied)).toBe(overlayDir);
    const { keys } = await loadRenderedConfig(renders.overlay);
    const created = [...section.matchAll(/--from-file=([\w.-]+)=/g)].map((m) => m[1]);
    expect(created.sort()).toEqual(['mcp_token', ...keys].sort());
    expect(section).toContain(String(readKustomization(overlayDir).namespace));
  });

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
