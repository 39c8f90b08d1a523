import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { resourceId } from '../../src/auth/protected-resource.js';
import { resolveHttpSettings } from '../../src/transports/http/settings.js';
import { repoRoot } from '../helpers/cli.js';
import {
  MODELS,
  componentDir,
  exampleDir,
  oauthOverlayDir,
  oauthProblems,
  renders,
  root,
  type IngressSpec,
} from './helpers/kubernetes-oauth.js';
import { containerOf, envOf, one, type PodSpec } from './helpers/kubernetes-pod.js';
import { readKustomization, render, type K8sObject } from './helpers/kustomize.js';

/**
 * deploy/kubernetes/components/oauth and overlays/oauth-example: the example overlay switched from the
 * static bearer to OAuth sign-in. What the pods would start with is run through the server's own
 * start-up checks (resolveHttpSettings, loadConfig, checkAccessForOAuth), so a component that leaves the
 * bearer token in, a clusters.json without `access`, or a public URL that is not the Ingress host is
 * caught here rather than by a crash-looping pod. The Secret and the README step are checked in
 * kubernetes-oauth-docs.test.ts.
 */
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
