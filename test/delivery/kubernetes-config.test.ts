import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { repoRoot } from '../helpers/cli.js';
import { containersOf, readKustomization, type K8sObject } from './helpers/kustomize.js';
import { image, one, overlayDir, renders, type DeploymentSpec } from './helpers/kubernetes-manifests.js';

/**
 * deploy/kubernetes/: the ConfigMap's clusters.json passes our loader with the Secret's files, the overlay
 * changes only what it should, the image is the release workflow's, and the README walks through it.
 */
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

describe('deploy/kubernetes (kustomize base + example overlay)', () => {
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
});
