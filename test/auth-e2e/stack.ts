import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_TOKEN_SECRET, startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { assertBuilt } from '../helpers/cli.js';
import { startOAuthProvider, type TestOAuthProvider } from '../helpers/oauth-provider.js';
import { recordOutput, registerSecret } from '../helpers/recording.js';
import { spawnSse, type SpawnedServer } from '../http/helpers.js';

/**
 * What the OAuth end-to-end tests run against: a real authorization server (oidc-provider), the
 * Proxmox simulator, and the built `proxmox-mcp sse` pointed at both through its environment and a
 * clusters.json with `access` roles and an audit file, as an operator would deploy it.
 */

/** The `access` block of the README's example: Keycloak groups to roles. */
export const ACCESS = {
  claims: ['groups'],
  roles: { admin: ['pve-admins'], operator: ['pve-operators'], reader: ['pve-readers'] },
};

export interface OAuthStack {
  as: TestOAuthProvider;
  sim: Simulator;
  server: SpawnedServer;
  /** The MCP server's base URL (http://127.0.0.1:port). */
  base: string;
  /** The audit file's records, parsed. */
  audit(): Record<string, unknown>[];
  /** Non-GET requests that reached the simulator, as `METHOD /path`. */
  writes(): string[];
  close(): Promise<void>;
}

export async function startOAuthStack(
  opts: {
    env?: Record<string, string>;
    /** Extra top-level or cluster settings merged into clusters.json. */
    config?: (sim: Simulator) => Record<string, unknown>;
    as?: TestOAuthProvider;
    /** Extra `sse` flags, e.g. `--stateless`. */
    args?: string[];
  } = {},
): Promise<OAuthStack> {
  assertBuilt();
  const as = opts.as ?? (await startOAuthProvider());
  const sim = await startSimulator({ taskDurationMs: 50 });
  const dir = mkdtempSync(path.join(tmpdir(), 'pmcp-oauth-'));
  const auditFile = path.join(dir, 'audit.log');
  const config = {
    audit_log: auditFile,
    access: ACCESS,
    clusters: {
      demo: {
        url: sim.url,
        user: 'root@pam',
        token_id: 'mcp',
        token_secret: DEMO_TOKEN_SECRET,
        fingerprint: sim.fingerprint,
      },
    },
    ...opts.config?.(sim),
  };
  const configFile = path.join(dir, 'clusters.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  registerSecret(DEMO_TOKEN_SECRET);
  const server = await spawnSse(['--port', '0', '--config', configFile, ...(opts.args ?? [])], {
    MCP_OAUTH_ISSUER: as.issuer,
    ...opts.env,
  });
  return {
    as,
    sim,
    server,
    base: server.url,
    audit: () => {
      let text = '';
      try {
        text = readFileSync(auditFile, 'utf8');
      } catch {
        return [];
      }
      // The secret sweep scans what the server wrote to the audit file too.
      recordOutput('audit', text);
      return text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    writes: () =>
      sim.requests
        .filter((q) => q.method !== 'GET')
        .map((q) => `${q.method} ${q.path.replace('/api2/json', '')}`),
    close: async () => {
      server.child.kill();
      await server.exit;
      await sim.close();
      if (!opts.as) await as.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
