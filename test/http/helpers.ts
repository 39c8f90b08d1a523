import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import http from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ClusterConfig, LoadedConfig } from '../../src/config/types.js';
import { buildRuntime, type Runtime } from '../../src/runtime.js';
import { createServer } from '../../src/server.js';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import {
  resolveHttpSettings,
  startHttpServer,
  type HttpServerHandle,
  type HttpSettings,
} from '../../src/transports/http/index.js';
import { VERSION } from '../../src/version.js';
import { binPath, repoRoot } from '../helpers/cli.js';
import { clusterConfigFor } from '../helpers/harness.js';
import { recordOutput, registerSecret } from '../helpers/recording.js';

export const TOKEN = 'test-bearer-token-0123456789abcdef';
export const auth = { Authorization: `Bearer ${TOKEN}` };

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The parsed body when it is JSON. */
  json: { error?: { code: number; message: string }; [k: string]: unknown } | undefined;
}

/** node:http rather than fetch: full control over Host, Origin and the body bytes. */
export function rawRequest(
  base: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(path, base),
      {
        method: opts.method ?? 'GET',
        headers: {
          ...(opts.body !== undefined
            ? { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
            : {}),
          ...opts.headers,
        },
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let json: RawResponse['json'];
          try {
            json = JSON.parse(text) as RawResponse['json'];
          } catch {
            json = undefined;
          }
          recordOutput('http', `${JSON.stringify(res.headers)}\n${text}`, { status: res.statusCode });
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

export const initializeBody = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

export interface Health {
  status: string;
  version: string;
  sessions: number;
  inflight: number;
}

export async function healthz(base: string): Promise<Health> {
  return (await rawRequest(base, '/healthz')).json as unknown as Health;
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function streamableClient(url: string, headers: Record<string, string> = auth, fetch?: FetchLike) {
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', url), {
    requestInit: { headers },
    ...(fetch ? { fetch } : {}),
  });
  return { client: new Client({ name: 'http-test', version: '1' }), transport };
}

export function sseClient(url: string, headers: Record<string, string> = auth) {
  const transport = new SSEClientTransport(new URL('/sse', url), { requestInit: { headers } });
  return { client: new Client({ name: 'sse-test', version: '1' }), transport };
}

export interface InProcessServer {
  url: string;
  handle: HttpServerHandle;
  runtime: Runtime;
  sim: Simulator;
  logs: string[];
  close(): Promise<void>;
}

/** The HTTP server started in this process (as `proxmox-mcp sse` would), on a simulator. */
export async function startInProcess(
  opts: {
    env?: Record<string, string>;
    settings?: Partial<HttpSettings>;
    /** Overrides of the simulated cluster's entry (e.g. `access` for OAuth tests). */
    cluster?: Partial<ClusterConfig>;
  } = {},
): Promise<InProcessServer> {
  const sim = await startSimulator({ taskDurationMs: 50 });
  const settings = {
    ...resolveHttpSettings({ port: 0 }, { MCP_AUTH_TOKEN: TOKEN, ...opts.env }),
    ...opts.settings,
  };
  const cluster = { ...clusterConfigFor('demo', sim), ...opts.cluster };
  const loaded: LoadedConfig = { source: 'test', defaultCluster: 'demo', clusters: [cluster] };
  const logs: string[] = [];
  registerSecret(settings.authToken, cluster.tokenSecret);
  const runtime = buildRuntime(loaded, {
    logLevel: 'debug',
    writeLog: (l) => {
      logs.push(l);
      recordOutput('log', l);
    },
    extraSecrets: settings.authToken ? [settings.authToken] : [],
  });
  const deps = { registry: runtime.registry, logger: runtime.logger, redact: runtime.redactor.redact };
  const handle = await startHttpServer({
    settings,
    logger: runtime.logger,
    createServer: () => createServer(deps),
    version: VERSION,
  });
  return {
    url: handle.url,
    handle,
    runtime,
    sim,
    logs,
    close: async () => {
      await handle.close();
      await runtime.registry.close();
      await sim.close();
    },
  };
}

export interface SpawnedServer {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stderr(): string;
  exit: Promise<number | null>;
}

/** `node bin/proxmox-mcp.js sse …` as a user runs it; resolves once it logs its address. */
export async function spawnSse(
  args: string[],
  env: Record<string, string>,
  command: string[] = ['sse'],
): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [binPath, ...command, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exited = false;
  void exit.then(() => (exited = true));
  await waitFor(() => exited || /listening on (http:\S+?):? /.test(err), 10_000, 'proxmox-mcp sse to listen');
  const m = /listening on (http:\S+?):? /.exec(err);
  if (!m?.[1]) throw new Error(`proxmox-mcp sse did not start:\n${err}`);
  return { child, url: m[1], stderr: () => err, exit };
}
