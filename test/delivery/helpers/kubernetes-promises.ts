import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../helpers/cli.js';
import type { K8sObject } from './kustomize.js';
import { byKind, image, type DeploymentSpec, type ServiceSpec } from './kubernetes-manifests.js';
import { sourceMentions } from './source.js';

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
export function problems(objects: K8sObject[]): string[] {
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
