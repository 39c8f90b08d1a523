import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { metadataUrl, resourceId } from '../../src/auth/protected-resource.js';
import { checkAccessForOAuth } from '../../src/config/access.js';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { resolveHttpSettings } from '../../src/transports/http/settings.js';
import { repoRoot } from '../helpers/cli.js';
import {
  containerOf,
  envOf,
  one,
  podFiles,
  secretKeysRead,
  secretMountOf,
  type PodSpec,
} from './helpers/kubernetes-pod.js';
import { readKustomization, render, type K8sObject } from './helpers/kustomize.js';

/**
 * deploy/kubernetes/components/oauth and overlays/oauth-example: the example overlay switched from the
 * static bearer to OAuth sign-in. What the pods would start with is run through the server's own
 * start-up checks (resolveHttpSettings, loadConfig, checkAccessForOAuth), so a component that leaves the
 * bearer token in, a clusters.json without `access`, or a public URL that is not the Ingress host is
 * caught here rather than by a crash-looping pod.
 */
const root = path.join(repoRoot, 'deploy', 'kubernetes');
const exampleDir = path.join(root, 'overlays', 'example');
const oauthOverlayDir = path.join(root, 'overlays', 'oauth-example');
const componentDir = path.join(root, 'components', 'oauth');

interface IngressSpec {
  tls?: Array<{ hosts?: string[] }>;
  rules: Array<{ host: string; http: { paths: Array<{ path: string; pathType: string }> } }>;
}

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
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
async function oauthProblems(objects: K8sObject[]): Promise<string[]> {
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

const renders = {
  example: render(exampleDir),
  oauth: render(oauthOverlayDir),
  /** The bare example overlay with the component switched on (its clusters.json has no `access`). */
  exampleWithComponent: render(exampleDir, [path.relative(exampleDir, componentDir)]),
};

describe('deploy/kubernetes with OAuth (components/oauth, overlays/oauth-example)', () => {
  it('renders valid Kubernetes objects, the same set as the example overlay', () => {
    for (const o of renders.oauth) {
      const Model = MODELS[`${o.apiVersion} ${o.kind}`];
      expect(Model, `${o.apiVersion} ${o.kind}`).toBeDefined();
      expect(() => new Model!(o as never).validate(), `${o.kind} ${o.metadata.name}`).not.toThrow();
    }
    const names = (objects: K8sObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(names(renders.oauth)).toEqual(names(renders.example));
    expect(readKustomization(componentDir).kind).toBe('Component');
  });

  it('changes only the auth environment and clusters.json: hardening, probes, Secret mount and Ingress as the example', () => {
    const withoutAuth = (objects: K8sObject[]) =>
      structuredClone(objects).map((o) => {
        if (o.kind === 'ConfigMap') delete o.data;
        if (o.kind === 'Deployment')
          for (const c of (o.spec as { template: { spec: PodSpec } }).template.spec.containers) delete c.env;
        return o;
      });
    expect(withoutAuth(renders.oauth)).toEqual(withoutAuth(renders.example));
    const { MCP_AUTH_TOKEN_FILE, ...rest } = envOf(renders.example);
    expect(MCP_AUTH_TOKEN_FILE).toBeDefined();
    expect(envOf(renders.oauth)).toEqual({
      ...rest,
      MCP_AUTH_MODE: 'oauth',
      MCP_OAUTH_ISSUER: 'https://keycloak.example.com/realms/infra',
      MCP_PUBLIC_URL: 'https://mcp.example.com',
      MCP_OAUTH_SCOPES: 'mcp:tools',
    });
  });

  it('the pods would start: OAuth mode, no bearer token, access for every cluster, the Ingress host is MCP_PUBLIC_URL', async () => {
    expect(await oauthProblems(renders.oauth)).toEqual([]);
    const settings = resolveHttpSettings({ stateless: true }, envOf(renders.oauth) as Record<string, string>);
    expect(settings.oauth?.requiredScopes).toEqual(['mcp:tools']);
    // Tokens are expected for <public url>/mcp: the audience the README's Keycloak mapper adds.
    expect(settings.oauth?.audience).toBeUndefined();
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const audience = resourceId(settings.oauth!.publicUrl!, '/mcp');
    expect(readme.replace(/\s+/g, ' ')).toContain(`_Included Custom Audience_ \`${audience}\``);
  });

  it('catches the broken variants: token file left in, no access block, public URL or Ingress elsewhere, no metadata route', async () => {
    const broken = async (edit: (objects: K8sObject[]) => void) => {
      const objects = structuredClone(renders.oauth);
      edit(objects);
      return oauthProblems(objects);
    };
    const env = (objects: K8sObject[]) => containerOf(objects).env!;
    expect(
      await broken((o) =>
        env(o).push({ name: 'MCP_AUTH_TOKEN_FILE', value: '/run/secrets/proxmox-mcp/mcp_token' }),
      ),
    ).toEqual([expect.stringMatching(/refuses to start: .*both MCP_AUTH_TOKEN .* and MCP_OAUTH_ISSUER/)]);
    expect(
      await broken((o) => {
        const cm = one(o, 'ConfigMap', 'proxmox-mcp-config').data as Record<string, string>;
        const json = JSON.parse(cm['clusters.json']!) as Record<string, unknown>;
        delete json.access;
        cm['clusters.json'] = JSON.stringify(json);
      }),
    ).toEqual([expect.stringMatching(/clusters.json refused: OAuth sign-in is on .* no "access"/)]);
    expect(
      await broken(
        (o) => (env(o).find((e) => e.name === 'MCP_PUBLIC_URL')!.value = 'https://proxmox-mcp.example.org'),
      ),
    ).toEqual([
      "Ingress proxmox-mcp host mcp.example.com is not MCP_PUBLIC_URL's host proxmox-mcp.example.org",
      'Ingress proxmox-mcp has no TLS for proxmox-mcp.example.org',
      "Ingress proxmox-mcp-legacy-sse host mcp.example.com is not MCP_PUBLIC_URL's host proxmox-mcp.example.org",
      'Ingress proxmox-mcp-legacy-sse has no TLS for proxmox-mcp.example.org',
      'no Ingress routes proxmox-mcp.example.org/mcp',
      'no Ingress routes proxmox-mcp.example.org/.well-known/oauth-protected-resource/mcp',
    ]);
    expect(
      await broken((o) => {
        const spec = one(o, 'Ingress', 'proxmox-mcp').spec as IngressSpec;
        spec.rules[0]!.http.paths = spec.rules[0]!.http.paths.filter(
          (p) => !p.path.startsWith('/.well-known'),
        );
      }),
    ).toEqual(['no Ingress routes mcp.example.com/.well-known/oauth-protected-resource/mcp']);
    expect(await broken((o) => delete (one(o, 'Ingress', 'proxmox-mcp').spec as IngressSpec).tls)).toEqual([
      'Ingress proxmox-mcp has no TLS for mcp.example.com',
    ]);
    expect(
      await broken(
        (o) => (env(o).find((e) => e.name === 'MCP_PUBLIC_URL')!.value = 'http://mcp.example.com'),
      ),
    ).toEqual([expect.stringMatching(/refuses to start: .*must use https/)]);
    // The component on the bare example overlay: its clusters.json gives nobody a role.
    expect(await oauthProblems(renders.exampleWithComponent)).toEqual([expect.stringMatching(/no "access"/)]);
  });

  it('a component that forgets to delete MCP_AUTH_TOKEN_FILE renders into a server that refuses to start', async () => {
    const copy = mkdtempSync(path.join(os.tmpdir(), 'pmcp-k8s-copy-'));
    cpSync(root, copy, { recursive: true });
    const patchFile = path.join(copy, 'components', 'oauth', 'deployment-patch.yaml');
    const patch = readFileSync(patchFile, 'utf8');
    const withoutDelete = patch.replace(/^ *- name: MCP_AUTH_TOKEN_FILE\n *\$patch: delete\n/m, '');
    expect(withoutDelete).not.toBe(patch);
    writeFileSync(patchFile, withoutDelete);
    const objects = render(path.join(copy, 'overlays', 'oauth-example'));
    expect(envOf(objects).MCP_AUTH_TOKEN_FILE).toBe('/run/secrets/proxmox-mcp/mcp_token');
    expect(await oauthProblems(objects)).toEqual([
      expect.stringMatching(/refuses to start: .*both MCP_AUTH_TOKEN .* and MCP_OAUTH_ISSUER/),
    ]);
  });

  it('the documented Secret holds exactly the keys the pods read: no mcp_token', () => {
    const keys = secretKeysRead(renders.oauth);
    expect(keys).not.toContain('mcp_token');
    const recipe = readFileSync(path.join(oauthOverlayDir, 'kustomization.yaml'), 'utf8');
    const created = [...recipe.matchAll(/--from-file=([\w.-]+)=/g)].map((m) => m[1]);
    expect(created.sort()).toEqual(keys.sort());
    // The optional introspection secret, once uncommented, is a file of the same Secret.
    const component = readFileSync(path.join(componentDir, 'deployment-patch.yaml'), 'utf8');
    const secretFile = /MCP_OAUTH_CLIENT_SECRET_FILE\n#?\s*#\s*value: (\S+)/.exec(component)?.[1];
    expect(secretFile && path.dirname(secretFile)).toBe(secretMountOf(renders.oauth));
  });

  it('the example overlay names the component, commented out, and the README step matches the manifests', () => {
    const overlayText = readFileSync(path.join(exampleDir, 'kustomization.yaml'), 'utf8');
    const named = /^#\s*-\s*(\S*components\/oauth)\s*$/m.exec(overlayText)?.[1];
    expect(named && path.join(exampleDir, named)).toBe(componentDir);
    expect(readKustomization(exampleDir).components ?? []).toEqual([]);

    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const start = readme.indexOf('\n### Run on Kubernetes\n');
    const section = readme.slice(start, readme.indexOf('\n### ', start + 1));
    const step = section.slice(section.indexOf('**With OAuth.**'), section.indexOf('The Ingress example'));
    expect(step.length).toBeGreaterThan(100);
    expect(step).toContain('`deploy/kubernetes/components/oauth`');
    const applied = /kubectl apply -k (\S+)/.exec(step)?.[1];
    expect(applied && path.join(repoRoot, applied)).toBe(oauthOverlayDir);
    const created = [...step.matchAll(/--from-file=([\w.-]+)=/g)].map((m) => m[1]);
    expect(created.sort()).toEqual(secretKeysRead(renders.oauth).sort());
    // What it says the component sets and removes, and the example values it quotes.
    const env = envOf(renders.oauth);
    expect(step).toContain(`\`MCP_AUTH_MODE=${env.MCP_AUTH_MODE}\``);
    for (const name of ['MCP_OAUTH_ISSUER', 'MCP_PUBLIC_URL', 'MCP_OAUTH_SCOPES'])
      expect(env).toHaveProperty(name);
    expect(env).not.toHaveProperty('MCP_AUTH_TOKEN_FILE');
    expect(step).toContain(`\`${env.MCP_PUBLIC_URL}\``);
    expect(env.MCP_OAUTH_ISSUER).toMatch(/^https:\/\/keycloak\.example\.com\/realms\//);
    expect(step).toContain('`https://keycloak.example.com/realms/<realm>`');
    expect(step).toContain('`/.well-known/oauth-protected-resource`');
    const component = readFileSync(path.join(componentDir, 'deployment-patch.yaml'), 'utf8');
    for (const name of ['MCP_OAUTH_CLIENT_ID', 'MCP_OAUTH_CLIENT_SECRET_FILE', 'oauth_client_secret'])
      expect(component, name).toMatch(new RegExp(`^\\s*#.*${name}`, 'm'));

    // Sticky sessions: resumable streams are listed as unavailable, true of replicas running --stateless.
    const row = section.split('\n').find((l) => l.startsWith('| resumable streams'));
    expect(row).toMatch(/\|\s*yes\s*\|\s*not available: `--stateless`/);
    expect(containerOf(renders.oauth).args).toContain('--stateless');
    expect(containerOf(renders.example).args).toContain('--stateless');
  });

  it.skipIf(!hasKubectl())(
    'the hand-written renderer agrees with kubectl kustomize on base, example and oauth-example (skipped without kubectl)',
    () => {
      const kustomize = (dir: string) =>
        execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })
          .split(/^---$/m)
          .map((doc) => yaml.load(doc) as K8sObject);
      // kustomize puts new list items first; the order of environment variables carries no meaning here.
      const normalized = (objects: K8sObject[]) =>
        structuredClone(objects)
          .map((o) => {
            if (o.kind === 'Deployment')
              for (const c of (o.spec as { template: { spec: PodSpec } }).template.spec.containers)
                c.env?.sort((a, b) => a.name.localeCompare(b.name));
            return o;
          })
          .sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
      // Every kustomization that kubectl can build as it is (a Component only inside one).
      for (const dir of [path.join(root, 'base'), exampleDir, oauthOverlayDir])
        expect(normalized(render(dir)), path.relative(root, dir)).toEqual(normalized(kustomize(dir)));
    },
  );
});

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
