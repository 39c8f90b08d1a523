import { TokenStore, type SimulatorToken } from './auth.js';
import { createSelfSignedCertificate, type SelfSignedCertificate } from './certificate.js';
import { Clock } from './clock.js';
import type { Interceptor } from './exchange.js';
import { seedFleet, seedTaskHistory, type CustomFleetSeed } from './fleet-seed.js';
import { startHttpsServer } from './http-server.js';
import { ROUTES, Router } from './routes.js';
import { renderApidoc } from './routes/schema.js';
import type { SimState } from './state.js';
import { TaskManager } from './tasks.js';
import { PveVersion } from './version.js';

/**
 * A Proxmox VE simulator: a real HTTPS server on loopback that answers like a PVE cluster at the HTTP
 * boundary (envelope, reason phrases, auth, validation, permissions, tasks). It backs `proxmox-mcp demo`
 * and, with the test controls of simulator/testing/ added as interceptors, the test suite.
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

export type { SimulatorToken } from './auth.js';

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
  /** Default 'demo' fleet; `{ guests, pools }` gives the guests one by one (simulator/testing generates them). */
  seed?: 'demo' | 'empty' | CustomFleetSeed;
  /** Stand before the engine's answer, in order (exchange.ts); none by default. */
  interceptors?: readonly Interceptor[];
}

export interface Simulator {
  url: string; // 'https://127.0.0.1:PORT'
  host: string;
  port: number;
  /** SHA-256 of the leaf cert DER, uppercase hex pairs joined by ':' (the format PVE's GUI shows). */
  fingerprint: string;
  /** PEM of the self-signed cert (SAN: IP 127.0.0.1, ::1, DNS localhost). */
  certPem: string;
  /**
   * Presents this certificate from now on and drops open connections, as pveproxy restarting after a
   * renewal does. Updates `fingerprint`, `certPem` and the local node's fingerprint.
   */
  replaceCertificate(cert: SelfSignedCertificate): void;
  /** TLS connections clients have opened so far (a keep-alive client opens one and reuses it). */
  readonly tlsConnections: number;
  /** Offline node: proxied calls answer 595 'No route to host' with an empty body; /nodes shows 'offline'. */
  setNodeOnline(node: string, online: boolean): void;
  addToken(t: SimulatorToken): void;
  /** The simulated cluster itself (fleet, tasks), for tests that check the end state a job left. */
  readonly state: SimState;
  /** Closes the server and all keep-alive sockets and clears timers; lets the process exit. */
  close(): Promise<void>;
}

export const DEMO_TOKEN_SECRET = '8b9f6c1e-2d4a-4f7b-9c3e-5a1d7e0f4b62';

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1';
  const nodes = opts.nodes ?? ['pve1', 'pve2', 'pve3'];
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
    interceptors: opts.interceptors ?? [],
  });

  const sim: Simulator = {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${server.port}`,
    host,
    port: server.port,
    fingerprint: cert.fingerprint,
    certPem: cert.certPem,
    get tlsConnections() {
      return server.tlsConnections();
    },
    replaceCertificate(next) {
      server.setCertificate(next.keyPem, next.certPem);
      sim.fingerprint = state.fingerprint = next.fingerprint;
      sim.certPem = next.certPem;
      const localNode = fleet.nodes.get(fleet.localNode);
      if (localNode) localNode.fingerprint = next.fingerprint;
    },
    setNodeOnline(node, online) {
      const n = fleet.nodes.get(node);
      if (!n) throw new Error(`unknown node '${node}' (known: ${[...fleet.nodes.keys()].join(', ')})`);
      n.online = online;
    },
    addToken(t) {
      tokens.add(t);
    },
    state,
    close: () => server.close(),
  };
  return sim;
}
