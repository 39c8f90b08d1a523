import { TokenStore } from './auth.js';
import { createSelfSignedCertificate } from './certificate.js';
import { seedFleet, seedTaskHistory } from './fleet-seed.js';
import { generatedNodeNames, type GeneratedFleetSpec } from './fleet-generated.js';
import { FaultSet, type FaultControl, type FaultKind, type FaultSpec } from './faults.js';
import { startHttpsServer, type Controls } from './http-server.js';
import { ROUTES, Router } from './routes.js';
import { renderApidoc } from './routes/schema.js';
import { Clock, type SimState } from './state.js';
import { TaskManager } from './tasks.js';
import { PveVersion } from './version.js';

/**
 * A Proxmox VE simulator: a real HTTPS server on loopback that answers like a PVE cluster at the HTTP
 * boundary (envelope, reason phrases, auth, validation, permissions, tasks). It backs the test suite and
 * `proxmox-mcp demo`.
 *
 * The 'demo' fleet (cluster 'demo', nodes pve1..pve3) contains:
 * - qemu 100 web01 (pve1, running, guest agent answers, pool prod, snapshot 'pre-upgrade'),
 *   101 db01 (pve1, running, agent enabled but not answering: "QEMU guest agent is not running"),
 *   102 build (pve2, stopped), 103 win11 (pve2, stopped), 104 tpl-debian12 (pve1, template),
 *   105 monitoring (pve3, running, agent answers);
 * - lxc 200 dns (pve1, running, pool prod), 201 proxy (pve2, running), 202 backup (pve3, stopped);
 * - storages local (dir), local-lvm (lvmthin), nas (nfs, shared); pool 'prod'.
 *
 * Deterministic task outcomes for tests:
 * - Starting 103 (win11) always fails: the task ends "start failed: QEMU exited with code 1".
 * - Starting a running VM returns a UPID and the task fails with "VM 100 already running".
 * - A snapshot with vmstate=1 of a running VM is the long task: it runs 10 × taskDurationMs and logs 60+
 *   progress lines (more than one default page of 50 log lines).
 */

export interface SimulatorToken {
  user: string; // 'root@pam'
  tokenId: string; // 'mcp'
  secret: string; // uuid-like
  privsep?: boolean; // default false: token has the user's privileges
  /** ACL granted to the token (privsep) or user: path prefix -> privileges. root@pam user has all. */
  acl?: Array<{ path: string; privs: string[] }>;
}

export interface SimulatorOptions {
  host?: string; // default '127.0.0.1'
  port?: number; // default 0 (ephemeral)
  clusterName?: string; // default 'demo'
  nodes?: string[]; // default ['pve1', 'pve2', 'pve3']
  tokens?: SimulatorToken[]; // default: one full-privilege token root@pam!mcp with secret DEMO_TOKEN_SECRET
  authDelayMs?: number; // PVE delays 401s ~3 s; default 0 here
  /**
   * '9.2.11' default. Drives realism: auth failure reason (>= 9.1.5), error bodies with "message"
   * (>= 8.3), lxc vmid type (integer >= 8.1), config memory as a property string (>= 8.1).
   */
  version?: string;
  taskDurationMs?: number; // how long tasks run before stopping; default 300
  /**
   * Default 'demo' fleet. `{ guests: 10000 }` generates a large deterministic fleet (fleet-generated.ts) on
   * nodes pve01, pve02, … (`{ guests, nodes: 16 }` sets how many) unless `nodes` names them.
   */
  seed?: 'demo' | 'empty' | GeneratedFleetSpec;
  /** Faults active from the start (a cluster born broken); `sim.faults` adds and clears them later. */
  faults?: FaultSpec[];
}

export interface RecordedRequest {
  method: string;
  /** Percent-decoded, without the query: '/api2/json/nodes/pve1/tasks/UPID:pve1:…/status'. */
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The status answered (0 while the answer is still being produced). */
  status: number;
  /** Date.now() when the request arrived. */
  time: number;
  /** The injected fault that answered this request instead of the API, if any. */
  fault?: FaultKind;
}

export interface Simulator {
  url: string; // 'https://127.0.0.1:PORT'
  host: string;
  port: number;
  /** SHA-256 of the leaf cert DER, uppercase hex pairs joined by ':' (the format PVE's GUI shows). */
  fingerprint: string;
  /** PEM of the self-signed cert (SAN: IP 127.0.0.1, ::1, DNS localhost). */
  certPem: string;
  /** Inject faults into API requests (faults.ts): hang, slow-body, reset, status, html, bad JSON. */
  faults: FaultControl;
  /**
   * Switches to a fresh self-signed certificate (as after a renewal) and drops open connections, as the
   * pveproxy restart that follows does. Updates `fingerprint` and `certPem`; returns the new fingerprint.
   */
  changeCertificate(): string;
  /** TLS connections clients have opened so far (a keep-alive client opens one and reuses it). */
  readonly tlsConnections: number;
  /** Every request (also unauthenticated ones), newest last; capped at 20 000 (oldest dropped). */
  requests: RecordedRequest[];
  /** Offline node: proxied calls answer 595 'No route to host' with an empty body; /nodes shows 'offline'. */
  setNodeOnline(node: string, online: boolean): void;
  /** Delay every answer (slow-cluster / timeout tests). */
  setLatency(ms: number): void;
  /** Answer 200 with a non-JSON body for paths with this prefix (full path or below /api2/json). */
  setGarbage(pathPrefix: string | null): void;
  addToken(t: SimulatorToken): void;
  /** Closes the server and all keep-alive sockets and clears timers; lets the process exit. */
  close(): Promise<void>;
}

export const DEMO_TOKEN_SECRET = '8b9f6c1e-2d4a-4f7b-9c3e-5a1d7e0f4b62';

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1';
  const nodes =
    opts.nodes ?? (typeof opts.seed === 'object' ? generatedNodeNames(opts.seed) : ['pve1', 'pve2', 'pve3']);
  if (nodes.length === 0) throw new Error('a simulated cluster needs at least one node');
  const version = new PveVersion(opts.version ?? '9.2.11');
  const cert = createSelfSignedCertificate();
  const clock = new Clock();
  const fleet = seedFleet({
    clusterName: opts.clusterName ?? 'demo',
    nodes,
    seed: opts.seed ?? 'demo',
    nowSec: clock.nowSec(),
  });
  const local = fleet.nodes.get(fleet.localNode);
  if (local) local.fingerprint = cert.fingerprint;

  const tasks = new TaskManager(clock, opts.taskDurationMs ?? 300, (node) => {
    const boot = fleet.nodes.get(node)?.bootTime ?? clock.nowSec();
    return (clock.nowSec() - boot) * 100;
  });
  seedTaskHistory(fleet, tasks, clock.nowSec());
  const tokens = new TokenStore(
    opts.tokens ?? [{ user: 'root@pam', tokenId: 'mcp', secret: DEMO_TOKEN_SECRET }],
    (path) => fleet.poolOf(path),
  );
  const state: SimState = { version, fleet, tasks, clock, fingerprint: cert.fingerprint, routes: ROUTES };
  const controls: Controls = { latencyMs: 0, garbagePrefix: null };
  const requests: RecordedRequest[] = [];
  const faults = new FaultSet(opts.faults);
  let apidoc: string | undefined;

  const server = await startHttpsServer({
    host,
    port: opts.port ?? 0,
    key: cert.keyPem,
    cert: cert.certPem,
    state,
    tokens,
    router: new Router(ROUTES),
    apidoc: () => (apidoc ??= renderApidoc(ROUTES)),
    authDelayMs: opts.authDelayMs ?? 0,
    requests,
    controls,
    faults,
  });

  const sim: Simulator = {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${server.port}`,
    host,
    port: server.port,
    fingerprint: cert.fingerprint,
    certPem: cert.certPem,
    requests,
    faults,
    get tlsConnections() {
      return server.tlsConnections();
    },
    changeCertificate() {
      const next = createSelfSignedCertificate();
      server.setCertificate(next.keyPem, next.certPem);
      sim.fingerprint = state.fingerprint = next.fingerprint;
      sim.certPem = next.certPem;
      const localNode = fleet.nodes.get(fleet.localNode);
      if (localNode) localNode.fingerprint = next.fingerprint;
      return next.fingerprint;
    },
    setNodeOnline(node, online) {
      const n = fleet.nodes.get(node);
      if (!n) throw new Error(`unknown node '${node}' (known: ${[...fleet.nodes.keys()].join(', ')})`);
      n.online = online;
    },
    setLatency(ms) {
      controls.latencyMs = Math.max(0, ms);
    },
    setGarbage(pathPrefix) {
      controls.garbagePrefix = pathPrefix;
    },
    addToken(t) {
      tokens.add(t);
    },
    close: () => server.close(),
  };
  return sim;
}
