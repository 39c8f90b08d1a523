import { readFile } from 'node:fs/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ClusterConfig, LoadedConfig, TlsSettings } from '../../src/config/types.js';
import { buildRuntime, type Runtime } from '../../src/runtime.js';
import { createServer } from '../../src/server.js';
import type { ToolDefinition } from '../../src/tools/types.js';
import { simulatedCluster } from '../../src/commands/demo.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/testing/index.js';
import { recordOutput, registerSecret } from './recording.js';

export interface HarnessCluster {
  name: string;
  sim?: SimulatorOptions;
  /** Override what the client is configured with (wrong secret, other TLS mode...). */
  config?: Partial<ClusterConfig>;
  tls?: (sim: Simulator) => TlsSettings;
  /** Reuse a running simulator (not closed by this harness) instead of starting one. */
  existing?: Simulator;
}

export interface Harness {
  client: Client;
  sims: Record<string, Simulator>;
  runtime: Runtime;
  logs: string[];
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export function clusterConfigFor(
  name: string,
  sim: Simulator,
  overrides: Partial<ClusterConfig> = {},
): ClusterConfig {
  return simulatedCluster(name, sim, { timeoutMs: 10_000, ...overrides });
}

/** A real MCP client connected in-memory to the real server, which talks HTTPS to simulators. */
export async function startHarness(
  opts: {
    clusters?: HarnessCluster[];
    defaultCluster?: string;
    readOnlySource?: string;
    enabledTools?: string[];
    clientCapabilities?: ConstructorParameters<typeof Client>[1];
    /** Audit log file (clusters.json `audit_log`). */
    auditLog?: string;
    /** How long a person has to answer a confirmation. */
    confirmTimeoutMs?: number;
    logFormat?: 'text' | 'json';
    /** Disk cache for API schemas (default: memory only). */
    schemaCacheDir?: string;
    /** The tool list the server registers (default: the catalog, as the server's own default). */
    tools?: ToolDefinition[];
    /** The stdio command's background warm-up after `initialized` (default off: exact request counts). */
    warmUp?: boolean;
  } = {},
): Promise<Harness> {
  const specs = opts.clusters ?? [{ name: 'demo' }];
  const sims: Record<string, Simulator> = {};
  const owned: Simulator[] = [];
  const clusters: ClusterConfig[] = [];
  for (const spec of specs) {
    const sim =
      spec.existing ?? (await startSimulator({ taskDurationMs: 50, clusterName: spec.name, ...spec.sim }));
    if (!spec.existing) owned.push(sim);
    sims[spec.name] = sim;
    clusters.push(
      clusterConfigFor(spec.name, sim, { ...(spec.tls ? { tls: spec.tls(sim) } : {}), ...spec.config }),
    );
  }
  const loaded: LoadedConfig = {
    source: 'test',
    defaultCluster: opts.defaultCluster ?? specs[0]!.name,
    clusters,
    ...(opts.auditLog ? { auditLog: opts.auditLog } : {}),
  };
  registerSecret(...clusters.map((c) => c.tokenSecret));
  const logs: string[] = [];
  const runtime = buildRuntime(loaded, {
    readOnlySource: opts.readOnlySource,
    logLevel: 'debug',
    logFormat: opts.logFormat,
    writeLog: (l) => {
      logs.push(l);
      recordOutput('log', l);
    },
    schemaCacheDir: opts.schemaCacheDir,
  });
  const server = createServer({
    registry: runtime.registry,
    logger: runtime.logger,
    redact: runtime.redactor.redact,
    enabledTools: opts.enabledTools,
    confirmTimeoutMs: opts.confirmTimeoutMs,
    ...(opts.tools ? { tools: opts.tools } : {}),
    ...(opts.warmUp ? { warmUp: true } : {}),
  });
  const client = new Client({ name: 'harness', version: '1.0.0' }, opts.clientCapabilities);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  await client.connect(clientTransport);
  return {
    client,
    sims,
    runtime,
    logs,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      await client.close();
      await server.close();
      await runtime.registry.close();
      await Promise.all(owned.map((s) => s.close()));
      // For the secret sweep: the audit file as a person reading it would see it.
      if (opts.auditLog) recordOutput('audit', await readFile(opts.auditLog, 'utf8').catch(() => ''));
    },
  };
}

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}
