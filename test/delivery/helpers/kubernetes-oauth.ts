import path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { metadataUrl, resourceId } from '../../../src/auth/protected-resource.js';
import { checkAccessForOAuth } from '../../../src/config/access.js';
import { ConfigError } from '../../../src/config/errors.js';
import { loadConfig } from '../../../src/config/load.js';
import { resolveHttpSettings } from '../../../src/transports/http/settings.js';
import { repoRoot } from '../../helpers/cli.js';
import { containerOf, podFiles } from './kubernetes-pod.js';
import { render, type K8sObject } from './kustomize.js';

/**
 * Shared by kubernetes-oauth.test.ts and kubernetes-oauth-docs.test.ts: the directories of
 * components/oauth and its overlays, their renders, and the start-up checks a pod of them would pass.
 */
export const root = path.join(repoRoot, 'deploy', 'kubernetes');
export const exampleDir = path.join(root, 'overlays', 'example');
export const oauthOverlayDir = path.join(root, 'overlays', 'oauth-example');
export const componentDir = path.join(root, 'components', 'oauth');

export interface IngressSpec {
  tls?: Array<{ hosts?: string[] }>;
  rules: Array<{ host: string; http: { paths: Array<{ path: string; pathType: string }> } }>;
}

export const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1 Deployment': Deployment,
  'v1 Service': Service,
  'v1 ConfigMap': ConfigMap,
  'networking.k8s.io/v1 Ingress': Ingress,
};

/** Does an Ingress path (Exact or Prefix, by path element as Kubernetes matches) take `url`'s path? */
function routes(p: { path: string; pathType: string }, urlPath: string): boolean {
  if (p.pathType === 'Exact') return p.path === urlPath;
  const prefix = p.path.replace(/\/+$/, '');
  return urlPath === prefix || urlPath.startsWith(`${prefix}/`);
}

/**
 * What the pods of a rendered OAuth deployment would refuse or get wrong, as a list (empty when none):
 * the container's environment through the server's own HTTP settings (Secret files faked in a temp
 * directory), clusters.json through the config loader and the OAuth access check, and the Ingress
 * against MCP_PUBLIC_URL (the resource clients get tokens for must be the host they reach).
 */
export async function oauthProblems(objects: K8sObject[]): Promise<string[]> {
  const out: string[] = [];
  const { env, configFile } = podFiles(objects);
  const args = containerOf(objects).args ?? [];
  let publicUrl: string | undefined;
  try {
    const settings = resolveHttpSettings({ stateless: args.includes('--stateless') }, env);
    if (settings.authMode !== 'oauth') out.push(`auth mode is ${settings.authMode}, not oauth`);
    if (settings.authToken !== undefined) out.push('a static bearer token is still configured');
    publicUrl = settings.oauth?.publicUrl;
    if (!publicUrl) out.push('no MCP_PUBLIC_URL');
    if (!/^https:\/\/[^/]+\/realms\/[^/]+$/.test(settings.oauth?.issuer ?? ''))
      out.push(`MCP_OAUTH_ISSUER is not of Keycloak's form https://<host>/realms/<realm>`);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    out.push(`the server refuses to start: ${err.message}`);
  }

  try {
    const loaded = await loadConfig({
      configFlag: configFile,
      env: {},
      cwd: path.dirname(configFile),
      homedir: path.dirname(configFile),
    });
    out.push(...checkAccessForOAuth(loaded));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    out.push(`clusters.json refused: ${err.message.split('\n')[0]}`);
  }

  if (publicUrl) {
    const host = new URL(publicUrl).host;
    const needed = [
      new URL(resourceId(publicUrl, '/mcp')).pathname,
      new URL(metadataUrl(publicUrl, '/mcp')).pathname,
    ];
    const ingresses = objects.filter((o) => o.kind === 'Ingress');
    for (const ing of ingresses) {
      const spec = ing.spec as IngressSpec;
      for (const rule of spec.rules)
        if (rule.host !== host)
          out.push(`Ingress ${ing.metadata.name} host ${rule.host} is not MCP_PUBLIC_URL's host ${host}`);
      // MCP_PUBLIC_URL is https (tokens travel over it): the Ingress terminates TLS for that host.
      if (!spec.tls?.some((t) => t.hosts?.includes(host)))
        out.push(`Ingress ${ing.metadata.name} has no TLS for ${host}`);
    }
    for (const urlPath of needed) {
      const routed = ingresses.some((ing) =>
        (ing.spec as IngressSpec).rules.some(
          (r) => r.host === host && r.http.paths.some((p) => routes(p, urlPath)),
        ),
      );
      if (ingresses.length && !routed) out.push(`no Ingress routes ${host}${urlPath}`);
    }
  }
  return out;
}

export const renders = {
  example: render(exampleDir),
  oauth: render(oauthOverlayDir),
  /** The bare example overlay with the component switched on (its clusters.json has no `access`). */
  exampleWithComponent: render(exampleDir, [path.relative(exampleDir, componentDir)]),
};
