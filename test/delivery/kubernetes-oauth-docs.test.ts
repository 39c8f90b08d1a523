import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { componentDir, exampleDir, oauthOverlayDir, renders } from './helpers/kubernetes-oauth.js';
import { containerOf, envOf, secretKeysRead, secretMountOf } from './helpers/kubernetes-pod.js';
import { readKustomization } from './helpers/kustomize.js';

/**
 * What people read about components/oauth against what it renders: the Secret its overlay documents,
 * the commented line in the example overlay, and the README's "With OAuth" step.
 */
describe('deploy/kubernetes with OAuth (components/oauth, overlays/oauth-example)', () => {
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
});
