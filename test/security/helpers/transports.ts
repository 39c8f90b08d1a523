import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ElicitRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { AuditRecord } from '../../../src/safety/audit.js';
import { createSelfSignedCertificate } from '../../../src/simulator/certificate.js';
import {
  startSimulator,
  type RecordedRequest,
  type Simulator,
} from '../../../src/simulator/testing/index.js';
import { routingFragments } from '../../../src/simulator/routes.js';
import { binPath, repoRoot } from '../../helpers/cli.js';
import { textOf } from '../../helpers/harness.js';
import { recordOutput, registerSecret } from '../../helpers/recording.js';
import { spawnSse, sseClient, streamableClient, type SpawnedServer } from '../../http/helpers.js';

/**
 * The built binary behind real MCP client transports, pointed at simulators through a clusters.json
 * with `policy` and `audit_log`, as an operator runs it. Every station (one child process per
 * transport) talks to the simulators with its own API token, so the simulators' request logs say which
 * station sent what even when the stations run at the same time.
 */

/** `stateless-http`: `proxmox-mcp sse --stateless`, a fresh server per POST (no sessions). */
export type TransportKind = 'stdio' | 'streamable-http' | 'stateless-http' | 'legacy-sse';
export const TRANSPORTS: readonly TransportKind[] = [
  'stdio',
  'streamable-http',
  'stateless-http',
  'legacy-sse',
];

/** Two PVE clusters answering like pveproxy: one whose API schema cannot be loaded, one whose can. */
export interface Pves {
  /** GET /pve-docs/api-viewer/apidoc.js answers 404: the schema pre-flight cannot help. */
  nodoc: Simulator;
  doc: Simulator;
  /** A hostile endpoint that echoes each request's Authorization header back in its error. */
  echo: EchoServer;
  close(): Promise<void>;
}

export async function startPves(): Promise<Pves> {
  const [nodoc, doc, echo] = await Promise.all([
    startSimulator({ taskDurationMs: 50 }),
    startSimulator({ taskDurationMs: 50 }),
    startEchoServer(),
  ]);
  nodoc.faults.add({ kind: 'status', status: 404, match: 'GET /pve-docs' });
  return {
    nodoc,
    doc,
    echo,
    close: async () => {
      await Promise.all([nodoc.close(), doc.close(), echo.close()]);
    },
  };
}

export interface EchoServer {
  url: string;
  fingerprint: string;
  /** Authorization headers received, oldest first. */
  received: string[];
  close(): Promise<void>;
}

/** Answers every request 400, quoting the Authorization header in the reason phrase and the body. */
async function startEchoServer(): Promise<EchoServer> {
  const cert = createSelfSignedCertificate();
  const received: string[] = [];
  const server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const auth = String(req.headers.authorization ?? '');
    received.push(auth);
    req.resume();
    res.writeHead(400, `bad ${auth}`, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: null, message: `rejected ${auth}\n`, errors: { auth } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    fingerprint: cert.fingerprint,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** clusters.json policy, top level (every cluster but `locked`, which denies everything). */
export interface StationPolicy {
  deny?: string[];
  confirm?: string[];
}

export interface Station {
  kind: TransportKind;
  /** The API token id this station's clusters use (the `locked` cluster: `<label>-locked`). */
  label: string;
  dir: string;
  configFile: string;
  auditFile: string;
  /** Every secret this station holds: its token secrets and, over HTTP, the bearer token. */
  secrets: string[];
  /** Questions the client was asked (it declines each). */
  asked: string[];
  /** Every tool result text, for the secret scan. */
  results: string[];
  /**
   * The audit file as it was at the moment each of this station's writes arrived at a simulator (read
   * synchronously on arrival): what had been recorded before the request was on the wire.
   */
  auditAtArrival: WeakMap<RecordedRequest, AuditRecord[]>;
  stderr(): string;
  listTools(): Promise<Tool[]>;
  call(
    name: string,
    args?: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<{ isError: boolean; text: string }>;
  close(): Promise<void>;
}

export interface StationOptions {
  policy?: StationPolicy;
  /** How read-only mode is switched on: the flag or the environment variable. */
  readOnly?: 'flag' | 'env';
  /** Per-cluster timeout (ms); a hung request gives up after this. */
  timeoutMs?: number;
}

/**
 * One `proxmox-mcp` child serving `kind`, configured with clusters `nodoc`, `doc` (the two simulators),
 * `locked` (nodoc again, with `deny: ["* /**"]`) and `echo`; audit log in its own directory. The client
 * declares elicitation and declines every question, so nothing confirm-listed may ever be sent.
 */
export async function startStation(
  kind: TransportKind,
  label: string,
  pves: Pves,
  opts: StationOptions = {},
): Promise<Station> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `pmcp-e2e-${label}-`));
  const secret = randomUUID();
  const lockedSecret = randomUUID();
  const bearer = randomBytes(24).toString('hex');
  for (const sim of [pves.nodoc, pves.doc]) sim.addToken({ user: 'root@pam', tokenId: label, secret });
  pves.nodoc.addToken({ user: 'root@pam', tokenId: `${label}-locked`, secret: lockedSecret });
  registerSecret(secret, lockedSecret, bearer);
  const auditAtArrival = new WeakMap<RecordedRequest, AuditRecord[]>();

  const entry = (sim: { url: string; fingerprint: string }, tokenId: string, tokenSecret: string) => ({
    url: sim.url,
    user: 'root@pam',
    token_id: tokenId,
    token_secret: tokenSecret,
    fingerprint: sim.fingerprint,
    timeout_ms: opts.timeoutMs ?? 8000,
  });
  const configFile = path.join(dir, 'clusters.json');
  const auditFile = path.join(dir, 'audit.log');
  writeFileSync(
    configFile,
    JSON.stringify(
      {
        default: 'nodoc',
        audit_log: 'audit.log',
        ...(opts.policy ? { policy: opts.policy } : {}),
        clusters: {
          nodoc: entry(pves.nodoc, label, secret),
          doc: entry(pves.doc, label, secret),
          locked: { ...entry(pves.nodoc, `${label}-locked`, lockedSecret), policy: { deny: ['* /**'] } },
          echo: entry(pves.echo, label, secret),
        },
      },
      null,
      2,
    ),
    { mode: 0o600 },
  );

  const stopWatching = [pves.nodoc, pves.doc].map((sim) =>
    onArrival(sim, (q) => {
      if (q.method !== 'GET' && tokenIdOf(q) === label) auditAtArrival.set(q, readAudit(auditFile));
    }),
  );

  const args = ['-c', configFile, ...(opts.readOnly === 'flag' ? ['--read-only'] : [])];
  const env: Record<string, string> = {
    HOME: dir,
    PROXMOX_MCP_CACHE_DIR: path.join(dir, 'cache'),
    ...(opts.readOnly === 'env' ? { PROXMOX_MCP_READ_ONLY: '1' } : {}),
  };

  let transport: Transport;
  let stderr: () => string;
  let child: SpawnedServer | undefined;
  if (kind === 'stdio') {
    const t = new StdioClientTransport({
      command: process.execPath,
      args: [binPath, 'stdio', ...args],
      env: { PATH: process.env.PATH ?? '', ...env },
      cwd: repoRoot,
      stderr: 'pipe',
    });
    let err = '';
    t.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    transport = t;
    stderr = () => err;
  } else {
    const stateless = kind === 'stateless-http' ? ['--stateless'] : [];
    child = await spawnSse(['--port', '0', ...stateless, ...args], { ...env, MCP_AUTH_TOKEN: bearer });
    const headers = { Authorization: `Bearer ${bearer}` };
    transport = (kind === 'legacy-sse' ? sseClient : streamableClient)(child.url, headers).transport;
    stderr = child.stderr;
  }

  const client = new Client({ name: `e2e-${label}`, version: '1' }, { capabilities: { elicitation: {} } });
  const asked: string[] = [];
  client.setRequestHandler(ElicitRequestSchema, (req) => {
    asked.push(req.params.message);
    return { action: 'decline' };
  });
  await client.connect(transport);
  const results: string[] = [];

  return {
    kind,
    label,
    dir,
    configFile,
    auditFile,
    secrets: [secret, lockedSecret, ...(kind === 'stdio' ? [] : [bearer])],
    asked,
    results,
    auditAtArrival,
    stderr,
    listTools: async () => (await client.listTools()).tools,
    async call(name, callArgs = {}, signal) {
      const r = (await client.callTool({ name, arguments: callArgs }, undefined, {
        timeout: 30_000,
        ...(signal ? { signal } : {}),
      })) as CallToolResult;
      const text = textOf(r);
      results.push(text);
      recordOutput('mcp', text);
      return { isError: r.isError === true, text };
    },
    async close() {
      for (const stop of stopWatching) stop();
      await client.close().catch(() => undefined);
      if (child) {
        child.child.kill('SIGTERM');
        await child.exit;
      }
      recordOutput('stderr', stderr());
    },
  };
}

const arrivalHooks = new WeakMap<Simulator, Set<(q: RecordedRequest) => void>>();

/**
 * Runs `fn` synchronously when a request arrives at `sim` (its headers read, before it is answered):
 * the simulator records each request into `sim.requests` at that moment. Returns the unsubscribe.
 */
export function onArrival(sim: Simulator, fn: (q: RecordedRequest) => void): () => void {
  let hooks = arrivalHooks.get(sim);
  if (!hooks) {
    const set = (hooks = new Set());
    arrivalHooks.set(sim, set);
    const push = sim.requests.push.bind(sim.requests);
    sim.requests.push = (...items: RecordedRequest[]) => {
      for (const q of items) for (const hook of set) hook(q);
      return push(...items);
    };
  }
  hooks.add(fn);
  return () => hooks.delete(fn);
}

/** The API token id a request to a simulator was made with (each station has its own). */
export function tokenIdOf(q: RecordedRequest): string | undefined {
  return /^[^!]+!(.+)$/.exec(q.authorization.tokenId ?? '')?.[1];
}

/** The API requests a station's token made (not the schema download). */
export function requestsOf(sim: Simulator, tokenId: string): RecordedRequest[] {
  return sim.requests.filter((q) => q.path.startsWith('/api2/') && tokenIdOf(q) === tokenId);
}

/** The fragments PVE routes a recorded request on: the simulator's own decode-split-drop-empties. */
export function fragmentsOf(q: RecordedRequest): string[] {
  const rel = /^\/api2\/json(\/.*)?$/s.exec(q.path)?.[1] ?? q.path;
  return routingFragments(rel);
}

/** The parameters of a recorded write as PVE reads them (form body; the query for DELETE). */
export function paramsOf(q: RecordedRequest): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = { ...q.query };
  if (q.body) {
    for (const [k, v] of new URLSearchParams(q.body)) {
      const prev = out[k];
      out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
  }
  return out;
}

export function readAudit(file: string): AuditRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditRecord);
}

/** Every run of `min` or more characters of `secret` (each window of length `min` covers them all). */
export function secretPieces(secret: string, min = 8): string[] {
  const out: string[] = [];
  for (let i = 0; i + min <= secret.length; i++) out.push(secret.slice(i, i + min));
  return out;
}

/**
 * Where in `text` a secret or an 8+ character piece of one appears, for the failure message (which
 * names the piece by position only: the message must not carry the secret either).
 */
export function secretLeaks(text: string, secrets: readonly string[]): string[] {
  const leaks: string[] = [];
  secrets.forEach((secret, n) =>
    secretPieces(secret).forEach((piece, i) => {
      const at = text.indexOf(piece);
      if (at >= 0) leaks.push(`characters ${i}-${i + piece.length - 1} of secret #${n} at offset ${at}`);
    }),
  );
  return leaks;
}
