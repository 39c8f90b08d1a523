import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN_SECRET, startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { repoRoot } from '../helpers/cli.js';
import { registerSecret } from '../helpers/recording.js';
import { initializeBody, rawRequest, streamableClient } from '../http/helpers.js';
import { composeContainer, readCompose } from './helpers/compose.js';
import {
  freePort,
  LocalContainer,
  parseDockerRun,
  shellWords,
  type LocalRuntime,
} from './helpers/container.js';
import { copies, readDockerfile } from './helpers/dockerfile.js';
import { ensureNode24 } from '../helpers/node24.mjs';
import { installTarball, packageJson, pathWith } from './helpers/package.js';
import { codeBlocks, installSection } from './helpers/readme.js';
import { rehearseStage } from './helpers/rehearsal.js';

/**
 * The image without an engine. The Dockerfile's build stage runs here (its COPYs from the
 * .dockerignore'd context, its RUNs under Node 24), the runtime stage's install is repeated with the
 * tarball that produced, and then the image's ENTRYPOINT + CMD run with its ENV, overlaid by the
 * README's `docker run` flags or the Compose service, against the simulator: health check, bearer
 * token, Host allow-list, an MCP session, SIGTERM, and no write outside /tmp.
 */
const image = readDockerfile();
const [buildStage, runtimeStage] = image.stages;
let tmp: string;
let runtime: LocalRuntime;
let sim: Simulator;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pmcp-image-'));
  const node24 = ensureNode24();
  const started = performance.now();
  const buildRoot = path.join(tmp, 'build-stage');
  rehearseStage(buildStage!, buildRoot, { path: [node24.binDir] });
  const rehearsalMs = Math.round(performance.now() - started);
  const [copy] = copies(runtimeStage!);
  const installed = installTarball(path.join(buildRoot, copy!.sources[0]!), path.join(tmp, 'usr-local'), {
    ...process.env,
    PATH: pathWith(node24.binDir),
  });
  runtime = { path: [path.dirname(installed.bin), node24.binDir], home: '/home/node' };
  sim = await startSimulator({ taskDurationMs: 50 });
  console.info(
    `Dockerfile build stage rehearsed in ${rehearsalMs} ms (npm ci + npm pack on ${node24.version}); runtime-stage install: ${installed.ms} ms`,
  );
}, 240_000);
afterAll(async () => {
  await sim?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Writes the host side of the mounts: clusters.json for the simulator, and the two secrets. */
function provision(container: LocalContainer, mcpToken: string): void {
  const put = (containerPath: string, text: string) => {
    const file = container.toHost(containerPath);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text, { mode: 0o600 });
  };
  put('/run/secrets/pve_token', `${DEMO_TOKEN_SECRET}\n`);
  put('/run/secrets/mcp_token', `${mcpToken}\n`);
  // Inside the container this path is /run/secrets/pve_token; here, the directory standing for it.
  put(
    image.env.PROXMOX_MCP_CONFIG!,
    JSON.stringify({
      clusters: {
        lab: {
          url: sim.url,
          user: 'root@pam',
          token_id: 'mcp',
          token_secret_file: container.toHost('/run/secrets/pve_token'),
          fingerprint: sim.fingerprint,
        },
      },
    }),
  );
}

/** What a user checks after `docker run` / `docker compose up`, and what Docker itself checks. */
async function exercise(
  container: LocalContainer,
  healthcheck: string[],
  allowedHost: string,
): Promise<void> {
  const token = readFileSync(container.toHost(container.spec.env.MCP_AUTH_TOKEN_FILE!), 'utf8').trim();
  registerSecret(token);
  // Port 8000 may be taken on this machine; the image's port is asserted to be 8000 elsewhere.
  const port = String(await freePort());
  const server = await container.start({ MCP_PORT: port });
  try {
    expect(server.stderr()).toContain(`listening on http://0.0.0.0:${port}`);
    expect(server.stderr()).toContain(container.toHost('/config/clusters.json'));
    expect(await container.exec(healthcheck, { MCP_PORT: port })).toMatchObject({ code: 0 });

    const base = `http://127.0.0.1:${port}`;
    const auth = { Authorization: `Bearer ${token}` };
    expect((await rawRequest(base, '/mcp', { method: 'POST', body: initializeBody })).status).toBe(401);
    const byName = await rawRequest(base, '/mcp', {
      method: 'POST',
      body: initializeBody,
      headers: { ...auth, Host: `${allowedHost}:8000` },
    });
    expect(byName.status).toBe(200);
    const rebinding = await rawRequest(base, '/mcp', {
      method: 'POST',
      body: initializeBody,
      headers: { ...auth, Host: 'attacker.example' },
    });
    expect(rebinding.status).toBe(403);

    const { client, transport } = streamableClient(base, auth);
    await client.connect(transport);
    const nodes = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
    expect(JSON.stringify(nodes.structuredContent)).toContain('pve1');
    // Loads the cluster's API schema and caches it on disk: the one file the server writes.
    const describe = (await client.callTool({
      name: 'proxmox_api_describe',
      arguments: { query: 'snapshot' },
    })) as CallToolResult;
    expect(describe.isError).toBeFalsy();
    await client.close();
  } finally {
    server.child.kill('SIGTERM');
  }
  expect(await server.exit).toBe(0);
  expect(await container.exec(healthcheck, { MCP_PORT: port })).toMatchObject({ code: 1 });
  expect(container.rootfsWrites()).toEqual([]);
  expect(container.tmpfsFiles()).toEqual([
    expect.stringMatching(new RegExp(`^${image.env.PROXMOX_MCP_CACHE_DIR}/`)),
  ]);
  expect(server.stderr()).not.toContain(token);
  expect(server.stderr()).not.toContain(DEMO_TOKEN_SECRET);
}

describe('the image, run as the README and the compose file run it (no Docker engine)', () => {
  it("the README's `docker run`: read-only root, /tmp tmpfs, config and secrets mounted", async () => {
    const workDir = path.join(tmp, 'docker-run');
    const block = codeBlocks(installSection()).find((b) => b.code.includes('docker run'));
    const argv = shellWords(block!.code, { PWD: workDir }).find((c) => c[0] === 'docker' && c[1] === 'run')!;
    const run = parseDockerRun(argv, image);
    expect([...run.flags]).toEqual(
      expect.arrayContaining(['--read-only', '--tmpfs', '--cap-drop', '--security-opt', '--restart', '-p']),
    );
    expect(run.readOnlyRootfs).toBe(true);
    expect(run.tmpfs).toEqual(['/tmp']);
    expect(run.ports).toEqual([{ host: '8000', container: image.env.MCP_PORT }]);
    expect(run.image).toMatch(/^[\w.-]+(:\d+)?\/[\w.-]+\/proxmox-mcp:[\w.-]+$/);
    expect(run.command).toEqual([...image.entrypoint, ...image.cmd]);
    const container = new LocalContainer(run, path.join(tmp, 'docker-run-fs'), runtime);
    provision(container, 'readme-docker-run-token-0123456789');
    await exercise(container, image.healthcheck.cmd, run.env.MCP_ALLOWED_HOSTS!);
  });

  it('the compose service, as a Portainer stack would deploy it (absolute PROXMOX_MCP_DIR)', async () => {
    const stackDir = path.join(tmp, 'opt-proxmox-mcp');
    const compose = readCompose({
      PROXMOX_MCP_IMAGE: 'gitea.example.test/owner/proxmox-mcp:0.0.0-test',
      MCP_ALLOWED_HOSTS: 'mcp.example.test',
      PROXMOX_MCP_DIR: stackDir,
    });
    const service = compose.services['proxmox-mcp']!;
    const spec = composeContainer(compose, 'proxmox-mcp', path.join(tmp, 'portainer-cwd'), image);
    expect(spec.mounts.every((m) => m.source.startsWith(stackDir))).toBe(true);
    const container = new LocalContainer(spec, path.join(tmp, 'compose-fs'), runtime);
    provision(container, 'compose-stack-token-0123456789abcdef');
    const [kind, ...healthcheck] = service.healthcheck!.test;
    expect(kind).toBe('CMD');
    await exercise(container, healthcheck, 'mcp.example.test');
  });

  it("ci.yml's image smoke test: env-only cluster (PROXMOX_MCP_CONFIG emptied), read-only, turns healthy", async () => {
    const script = readFileSync(path.join(repoRoot, '.gitea', 'workflows', 'ci.yml'), 'utf8');
    const command = /^ *(docker run -d (?:.*\\\n)*.*)$/m.exec(script)?.[1];
    const [argv] = shellWords(command!, {});
    const smoke = parseDockerRun(argv!, image);
    expect(smoke.readOnlyRootfs).toBe(true);
    expect(smoke.env.PROXMOX_MCP_CONFIG).toBe('');
    const container = new LocalContainer(smoke, path.join(tmp, 'ci-smoke-fs'), runtime);
    const port = String(await freePort());
    const server = await container.start({ MCP_PORT: port });
    expect(server.stderr()).toMatch(/serving 1 cluster\(s\) over HTTP config=environment/);
    expect(await container.exec(image.healthcheck.cmd, { MCP_PORT: port })).toMatchObject({ code: 0 });
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    expect(container.rootfsWrites()).toEqual([]);
  });

  it('refuses to start on 0.0.0.0 without a token (exit 78), before reading any config', async () => {
    const container = new LocalContainer(
      {
        env: image.env,
        mounts: [],
        tmpfs: ['/tmp'],
        readOnlyRootfs: true,
        command: [...image.entrypoint, ...image.cmd],
        ports: [],
      },
      path.join(tmp, 'no-token-fs'),
      runtime,
    );
    const r = await container.exec(container.spec.command);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/refusing to listen on 0\.0\.0\.0:8000 without authentication.*MCP_AUTH_TOKEN/);
  });

  it("the runtime stage's own check: `proxmox-mcp --version` on the image's Node prints the version", async () => {
    const container = new LocalContainer(
      { env: image.env, mounts: [], tmpfs: [], readOnlyRootfs: true, command: [], ports: [] },
      path.join(tmp, 'version-fs'),
      runtime,
    );
    expect(await container.exec(['proxmox-mcp', '--version'])).toMatchObject({
      code: 0,
      stdout: `${packageJson.version}\n`,
    });
    expect((await container.exec(['node', '--version'])).stdout).toMatch(/^v24\./);
  });
});
