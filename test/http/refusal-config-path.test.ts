// Refusals and confirmation questions quote where a rule comes from. Over stdio (no authInfo) the config file's
// full path is the person's own and stays; over HTTP the remote person is shown its base name only, while
// the server's log and audit keep the full path.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../../src/config/types.js';
import { buildRuntime, type Runtime } from '../../src/runtime.js';
import { resolvePolicy } from '../../src/safety/policy.js';
import { createServer } from '../../src/server.js';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import {
  resolveHttpSettings,
  startHttpServer,
  type HttpServerHandle,
} from '../../src/transports/http/index.js';
import { clusterConfigFor, textOf } from '../helpers/harness.js';
import { registerSecret } from '../helpers/recording.js';
import { auth, TOKEN } from './helpers.js';

const CONFIG = '/srv/internal-layout/proxmox-mcp/clusters.json';
const STOP = { method: 'POST', path: '/nodes/pve1/qemu/100/status/stop' };
const REBOOT = { method: 'POST', path: '/nodes/pve1/qemu/100/status/reboot' };

let sim: Simulator;
let runtime: Runtime;
let http: HttpServerHandle;
const logs: string[] = [];
let auditFile: string;

beforeAll(async () => {
  sim = await startSimulator({ taskDurationMs: 50 });
  auditFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'pmcp-path-')), 'audit.jsonl');
  const cluster = clusterConfigFor('demo', sim, {
    policy: resolvePolicy(
      undefined,
      { deny: ['POST /nodes/*/qemu/*/status/stop'], confirm: ['POST /nodes/*/qemu/*/status/reboot'] },
      'demo',
      CONFIG,
    ),
  });
  registerSecret(cluster.tokenSecret);
  const loaded: LoadedConfig = {
    source: CONFIG,
    defaultCluster: 'demo',
    clusters: [cluster],
    auditLog: auditFile,
  };
  runtime = buildRuntime(loaded, { logLevel: 'debug', writeLog: (l) => logs.push(l) });
  const deps = { registry: runtime.registry, logger: runtime.logger, redact: runtime.redactor.redact };
  http = await startHttpServer({
    settings: resolveHttpSettings({ port: 0 }, { MCP_AUTH_TOKEN: TOKEN }),
    logger: runtime.logger,
    createServer: () => createServer(deps),
    version: 'test',
  });
});
afterAll(async () => {
  await http?.close();
  await runtime?.registry.close();
  await sim?.close();
});

/** A client that can be asked (elicitation) and declines, keeping the question it was shown. */
function declining(questions: string[]): Client {
  const client = new Client(
    { name: 'path-test', version: '1' },
    { capabilities: { elicitation: { form: {} } } },
  );
  client.setRequestHandler(ElicitRequestSchema, (req) => {
    questions.push(req.params.message);
    return { action: 'decline' };
  });
  return client;
}

async function stdioClient(questions: string[]): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const server = createServer({
    registry: runtime.registry,
    logger: runtime.logger,
    redact: runtime.redactor.redact,
  });
  await server.connect(serverSide);
  const client = declining(questions);
  await client.connect(clientSide);
  return client;
}

async function httpClient(questions: string[]): Promise<Client> {
  const client = declining(questions);
  await client.connect(
    new StreamableHTTPClientTransport(new URL('/mcp', http.url), { requestInit: { headers: auth } }),
  );
  return client;
}

const call = async (client: Client, req: { method: string; path: string }) =>
  textOf((await client.callTool({ name: 'proxmox_api_call', arguments: req })) as CallToolResult);

describe('where a refusal says the rule comes from', () => {
  it('over stdio: the full path of the config file, in the refusal and in the confirmation question', async () => {
    const questions: string[] = [];
    const client = await stdioClient(questions);
    try {
      expect(await call(client, STOP)).toContain(`policy.deny[0] in ${CONFIG}`);
      await call(client, REBOOT);
      expect(questions.join('\n')).toContain(`in ${CONFIG}`);
    } finally {
      await client.close();
    }
  });

  it('over HTTP: only the base name; the log and the audit keep the full path', async () => {
    const questions: string[] = [];
    const client = await httpClient(questions);
    try {
      const refused = await call(client, STOP);
      expect(refused).toContain('policy.deny[0] in clusters.json');
      expect(refused).not.toContain('/srv/internal-layout');
      const declined = await call(client, REBOOT);
      expect(declined).toMatch(/declined/);
      expect(declined).not.toContain('/srv/internal-layout');
      expect(questions).toHaveLength(1);
      expect(questions[0]).toContain('in clusters.json)');
      expect(questions[0]).not.toContain('/srv/internal-layout');
    } finally {
      await client.close();
    }
    expect(logs.join('\n')).toContain(`policy.deny[0] in ${CONFIG}`);
    expect(readFileSync(auditFile, 'utf8')).toContain(CONFIG);
    expect(sim.requests.filter((r) => /status\/(stop|reboot)/.test(r.path))).toEqual([]);
  });
});
