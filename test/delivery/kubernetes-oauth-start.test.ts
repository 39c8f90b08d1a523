import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metadataUrl, resourceId } from '../../src/auth/protected-resource.js';
import { assertBuilt, repoRoot, runCli } from '../helpers/cli.js';
import { rawRequest, spawnSse, type SpawnedServer } from '../http/helpers.js';
import { registerSecret } from '../helpers/recording.js';
import { FAKE_SECRET, containerOf, one, podFiles } from './helpers/kubernetes-pod.js';
import { render, type K8sObject } from './helpers/kustomize.js';

/**
 * The built `proxmox-mcp` started as a pod of overlays/oauth-example would start it: the container's
 * args and environment, clusters.json from the ConfigMap, Secret files faked. Two things differ, so
 * tests can run side by side: `--port 0` (flag over MCP_PORT) and no metrics listener. It must come up
 * in OAuth mode and send clients from a 401 to metadata at the Ingress host; the same pod with the
 * bearer token file left in, or without `access`, must stop at start-up (exit 78) saying why.
 */
const oauthOverlayDir = path.join(repoRoot, 'deploy', 'kubernetes', 'overlays', 'oauth-example');
const rendered = render(oauthOverlayDir);
const running: SpawnedServer[] = [];

function podEnv(objects: K8sObject[]): Record<string, string> {
  const { env } = podFiles(objects);
  delete env.MCP_METRICS_PORT;
  return env;
}

beforeAll(() => {
  assertBuilt();
  // The faked Secret files (bearer token, PVE token): the secret sweep checks no output shows them.
  registerSecret(FAKE_SECRET);
});
afterAll(() => {
  for (const s of running) s.child.kill('SIGKILL');
});

describe('the oauth-example pod, started from the built binary', () => {
  it('listens in OAuth mode; a token-less request gets 401 pointing at metadata on the Ingress host', async () => {
    const env = podEnv(rendered);
    const args = containerOf(rendered).args ?? [];
    const s = await spawnSse([...args.slice(1), '--port', '0'], env, args.slice(0, 1));
    running.push(s);
    expect(s.stderr()).toMatch(/"auth":"oauth"/);
    const publicUrl = env.MCP_PUBLIC_URL!;
    const ingressHost = (one(rendered, 'Ingress', 'proxmox-mcp').spec as { rules: Array<{ host: string }> })
      .rules[0]!.host;
    expect(new URL(publicUrl).host).toBe(ingressHost);

    const denied = await rawRequest(s.url, '/mcp', {
      method: 'POST',
      body: '{}',
      headers: { host: ingressHost, 'content-type': 'application/json' },
    });
    expect(denied.status).toBe(401);
    const wanted = metadataUrl(publicUrl, '/mcp');
    expect(denied.headers['www-authenticate']).toBe(
      `Bearer resource_metadata="${wanted}", scope="${env.MCP_OAUTH_SCOPES}"`,
    );
    const metadata = await rawRequest(s.url, new URL(wanted).pathname, { headers: { host: ingressHost } });
    expect(metadata.status).toBe(200);
    expect(metadata.json).toMatchObject({
      resource: resourceId(publicUrl, '/mcp'),
      authorization_servers: [env.MCP_OAUTH_ISSUER],
      scopes_supported: [env.MCP_OAUTH_SCOPES],
    });
  });

  it('the bearer example pod answers 404 on the metadata path the Ingress routes (harmless without OAuth)', async () => {
    const example = render(path.join(oauthOverlayDir, '..', 'example'));
    const args = containerOf(example).args ?? [];
    const s = await spawnSse([...args.slice(1), '--port', '0'], podEnv(example), args.slice(0, 1));
    running.push(s);
    expect(s.stderr()).toMatch(/"auth":"bearer"/);
    const r = await rawRequest(s.url, '/.well-known/oauth-protected-resource/mcp', {
      headers: { host: 'mcp.example.com' },
    });
    expect(r.status).toBe(404);
  });

  it('stops at start-up (exit 78) with the bearer token file left in, or without access', async () => {
    const args = containerOf(rendered).args ?? [];
    const withToken = structuredClone(rendered);
    containerOf(withToken).env!.push({
      name: 'MCP_AUTH_TOKEN_FILE',
      value: '/run/secrets/proxmox-mcp/mcp_token',
    });
    const both = await runCli([...args, '--port', '0'], { env: podEnv(withToken), timeoutMs: 10_000 });
    expect(both.code).toBe(78);
    expect(both.stderr).toMatch(/both MCP_AUTH_TOKEN .* and MCP_OAUTH_ISSUER/);

    const noAccess = structuredClone(rendered);
    const data = one(noAccess, 'ConfigMap', 'proxmox-mcp-config').data as Record<string, string>;
    const json = JSON.parse(data['clusters.json']!) as Record<string, unknown>;
    delete json.access;
    data['clusters.json'] = JSON.stringify(json);
    const refused = await runCli([...args, '--port', '0'], { env: podEnv(noAccess), timeoutMs: 10_000 });
    expect(refused.code).toBe(78);
    expect(refused.stderr).toMatch(/no "access" in the configuration/);
  });
});
