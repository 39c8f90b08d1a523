import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN_SECRET, startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { ACCESS } from '../auth-e2e/stack.js';
import { roundRobin, startBalancer, type Balancer } from '../bench/lib/balancer.mjs';
import { assertBuilt } from '../helpers/cli.js';
import { connectWithOAuth, TestOAuthClient } from '../helpers/oauth-client.js';
import { startOAuthProvider, TEST_USERS, type TestOAuthProvider } from '../helpers/oauth-provider.js';
import { scrape, sumOf, type Sample } from '../helpers/prometheus.js';
import { recordOutput, registerSecret } from '../helpers/recording.js';
import { initializeBody, rawRequest, spawnSse, type SpawnedServer } from './helpers.js';

/**
 * Issue 16 §3 with OAuth: the replica test of replicas.test.ts (three `proxmox-mcp sse --stateless`
 * processes of the built binary behind a round-robin balancer with no affinity), but every client is a
 * person signed in at a real authorization server (test/helpers/oauth-provider.ts) through the SDK's own
 * client flow: a 401 from whichever replica answers, the protected resource metadata (through the
 * balancer: MCP_PUBLIC_URL is the balancer's URL, so the resource and audience are the URL clients use),
 * dynamic registration, PKCE, the code exchange. Each replica checks every token by itself against the
 * issuer's keys, applies the person's role from its clusters.json `access`, and writes its own audit file.
 * Every client registers itself (50 registrations), as 50 separate installations of a client would.
 *
 * Figures on the shared 2-core machine (this file alone, ~30 s): sign-ins ~2 s; the calls ~23 s, ~220
 * calls/s (reads p50 ~160 ms; a reboot ~500 ms, its task polled after 250 ms). With list_nodes only,
 * ~310 calls/s, as replicas.test.ts with the static bearer token: checking the JWT is not the cost.
 */

const REPLICAS = 3;
const CLIENTS = 50;
const CALLS_PER_CLIENT = Number(process.env.REPLICA_TEST_CALLS ?? 100);
/** Who the clients are, in turn: an admin, an operator, a reader. */
const PEOPLE = ['alice', 'carol', 'bob'] as const;
/** The guest each writer reboots, so an audit line's path says whose write it must be. */
const REBOOTS: Record<string, { vmid: number; path: string }> = {
  alice: { vmid: 100, path: '/nodes/pve1/qemu/100/status/reboot' },
  carol: { vmid: 105, path: '/nodes/pve3/qemu/105/status/reboot' },
  bob: { vmid: 101, path: '/nodes/pve1/qemu/101/status/reboot' },
};
/** A writer's every tenth call is its reboot; a reader tries one, refused by its role. */
const isWrite = (person: string, k: number) => (person === 'bob' ? k === 50 : k % 10 === 9);
const writesOf = (person: string) =>
  Array.from({ length: CALLS_PER_CLIENT }, (_, k) => k).filter((k) => isWrite(person, k)).length;

let as: TestOAuthProvider;
/** Every request the authorization server received, as `METHOD /path`. */
let providerRequests: string[] = [];
let sim: Simulator;
let dir: string;
let lb: Balancer;
/** The balancer's upstreams: filled once the replicas listen (they need its URL first). */
const upstreams: string[] = Array.from({ length: REPLICAS }, () => '');
let replicas: SpawnedServer[] = [];
let metricsUrls: string[] = [];
const extra: Array<{ close(): Promise<void> } | SpawnedServer> = [];

/**
 * The test provider keeps its server to itself; its requests are seen by wrapping http.createServer
 * while it starts (the listener is added before the provider's own, so it sees every request).
 */
async function startCountedProvider(): Promise<{ as: TestOAuthProvider; requests: string[] }> {
  const requests: string[] = [];
  const create = http.createServer;
  http.createServer = ((...args: Parameters<typeof http.createServer>) => {
    const server = create(...args);
    server.on('request', (req: http.IncomingMessage) => requests.push(`${req.method} ${req.url}`));
    return server;
  }) as typeof http.createServer;
  try {
    return { as: await startOAuthProvider(), requests };
  } finally {
    http.createServer = create;
  }
}

/** One replica: its own clusters.json (roles, audit file) and the OAuth environment. */
async function startReplica(name: string, env: Record<string, string>): Promise<SpawnedServer> {
  const config = {
    audit_log: path.join(dir, `audit-${name}.log`),
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
  };
  const file = path.join(dir, `clusters-${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  return spawnSse(['--port', '0', '--stateless', '--metrics-port', '0', '--config', file], {
    MCP_OAUTH_ISSUER: as.issuer,
    ...env,
  });
}

function auditOf(name: string): Array<Record<string, unknown>> {
  const text = readFileSync(path.join(dir, `audit-${name}.log`), 'utf8');
  recordOutput('audit', text);
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeAll(async () => {
  assertBuilt();
  ({ as, requests: providerRequests } = await startCountedProvider());
  sim = await startSimulator({ taskDurationMs: 50 });
  registerSecret(DEMO_TOKEN_SECRET);
  dir = mkdtempSync(path.join(tmpdir(), 'pmcp-replicas-oauth-'));
  lb = await startBalancer(upstreams, roundRobin(REPLICAS));
  replicas = await Promise.all(
    Array.from({ length: REPLICAS }, (_, i) => startReplica(String(i), { MCP_PUBLIC_URL: lb.url })),
  );
  replicas.forEach((r, i) => (upstreams[i] = r.url));
  metricsUrls = replicas.map((r) => {
    const m = /metrics served at (http:\/\/\S+)\/metrics/.exec(r.stderr());
    if (!m?.[1]) throw new Error(`no metrics listener in:\n${r.stderr()}`);
    return m[1];
  });
}, 30_000);

afterAll(async () => {
  await lb?.close();
  for (const r of [...replicas, ...extra]) if ('child' in r) r.child.kill('SIGKILL');
  for (const e of extra) if (!('child' in e)) await e.close();
  await sim?.close();
  await as?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * The provider logs in whichever user was chosen last, so two browser steps at once could sign one
 * person in as another: the browser step is taken one client at a time (registration, discovery and
 * the code exchange stay concurrent).
 */
let browser: Promise<unknown> = Promise.resolve();
class OneBrowserAtATime extends TestOAuthClient {
  override redirectToAuthorization(url: URL): Promise<void> {
    const step = browser.then(() => super.redirectToAuthorization(url));
    browser = step.catch(() => {});
    return step;
  }
}

interface Run {
  errors: string[];
  /** The readers' refused writes (expected, not errors). */
  roleRefusals: number;
  clients: OneBrowserAtATime[];
  signInSeconds: number;
  seconds: number;
  /** Milliseconds per call, sorted: reads, and writes (a reboot waits for its task). */
  latencies: number[];
  writeLatencies: number[];
}

const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

/**
 * `clients` people sign in through `base` and make `calls` calls each; every failure is collected.
 * `signedIn` runs between the two phases.
 */
async function drive(base: string, clients: number, calls: number, signedIn?: () => void): Promise<Run> {
  const run: Run = {
    errors: [],
    roleRefusals: 0,
    clients: [],
    signInSeconds: 0,
    seconds: 0,
    latencies: [],
    writeLatencies: [],
  };
  const started = performance.now();
  const sessions = await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const person = PEOPLE[c % PEOPLE.length]!;
      const oauth = new OneBrowserAtATime(as, { user: person });
      run.clients.push(oauth);
      try {
        const { client } = await connectWithOAuth(base, oauth);
        registerSecret(oauth.tokens()!.access_token);
        return { c, person, client };
      } catch (err) {
        run.errors.push(`client ${c} (${person}) sign-in: ${(err as Error).message}`);
        return undefined;
      }
    }),
  );
  run.signInSeconds = (performance.now() - started) / 1000;
  signedIn?.();
  const callsStarted = performance.now();
  await Promise.all(
    sessions.map(async (s) => {
      if (!s) return;
      try {
        for (let k = 0; k < calls; k++) await oneCall(run, s, k);
      } finally {
        await s.client.close();
      }
    }),
  );
  run.seconds = (performance.now() - callsStarted) / 1000;
  run.latencies.sort((a, b) => a - b);
  run.writeLatencies.sort((a, b) => a - b);
  return run;
}

const READS = [
  { name: 'list_nodes', arguments: {} },
  { name: 'get_guest', arguments: { vmid: 100 } },
  // (Not get_cluster_resources: its 8 KB answers would make this file's share of the secret sweep's
  // recording 16 MB instead of 4.)
  { name: 'list_clusters', arguments: {} },
];

async function oneCall(run: Run, s: { c: number; person: string; client: Client }, k: number) {
  const write = isWrite(s.person, k);
  const call = write
    ? { name: 'guest_action', arguments: { vmid: REBOOTS[s.person]!.vmid, action: 'reboot' } }
    : READS[k % READS.length]!;
  const t0 = performance.now();
  try {
    const r = (await s.client.callTool(call)) as CallToolResult;
    (write ? run.writeLatencies : run.latencies).push(performance.now() - t0);
    if (write && s.person === 'bob' && r.isError && /\breader\b/.test(text(r))) run.roleRefusals++;
    else if (r.isError || (write && s.person === 'bob'))
      run.errors.push(`client ${s.c} (${s.person}) call ${k} ${call.name}: ${text(r).slice(0, 300)}`);
  } catch (err) {
    run.errors.push(`client ${s.c} (${s.person}) call ${k} ${call.name}: ${(err as Error).message}`);
  }
}

/** Label values that name a person or carry a token: any signed-in user's sub, e-mail, name or group. */
function personalLabels(page: Sample[], tokens: string[]): string[] {
  const people = Object.values(TEST_USERS).flatMap((u) => [u.sub, u.email, u.name, ...u.groups]);
  return page.flatMap((s) =>
    Object.entries(s.labels)
      .filter(
        ([, v]) =>
          people.some((p) => v.toLowerCase().includes(p.toLowerCase())) ||
          tokens.some((t) => v.includes(t)) ||
          /@|Bearer|eyJ/.test(v),
      )
      .map(([k, v]) => `${s.name} ${k}=${v}`),
  );
}

describe('replicas with OAuth: people signed in through the SDK flow, three --stateless replicas', () => {
  it(`${CLIENTS} people x ${CALLS_PER_CLIENT} calls (reads, writes their role allows) through a round-robin balancer: 0 errors, each replica checks tokens itself, audits writes under the right name`, async () => {
    const before = await Promise.all(metricsUrls.map(scrape));
    const jwksBefore = providerRequests.filter((r) => r.startsWith('GET /jwks')).length;
    const during: Sample[][] = [];
    const scraper = setInterval(() => {
      void Promise.all(metricsUrls.map(scrape)).then((pages) => during.push(...pages));
    }, 500);
    const run = await drive(lb.url, CLIENTS, CALLS_PER_CLIENT);
    clearInterval(scraper);

    const p = (q: number, l = run.latencies) =>
      l[Math.min(l.length - 1, Math.floor(q * l.length))]?.toFixed(0) ?? '-';
    const jwks = providerRequests.filter((r) => r.startsWith('GET /jwks')).length - jwksBefore;
    const registrations = providerRequests.filter((r) => r.startsWith('POST /reg')).length;
    process.stderr.write(
      `replicas-oauth: ${CLIENTS} sign-ins in ${run.signInSeconds.toFixed(1)} s (${registrations} registrations); ` +
        `${CLIENTS} x ${CALLS_PER_CLIENT} calls over ${REPLICAS} replicas in ${run.seconds.toFixed(1)} s ` +
        `(${((CLIENTS * CALLS_PER_CLIENT) / run.seconds).toFixed(0)} calls/s; reads p50 ${p(0.5)} ms, p99 ${p(0.99)} ms; ` +
        `writes p50 ${p(0.5, run.writeLatencies)} ms, p99 ${p(0.99, run.writeLatencies)} ms); ` +
        `requests per replica ${lb.served.join(' / ')}; ` +
        `JWKS fetches ${jwks}; provider requests ${providerRequests.length}\n`,
    );

    expect(run.errors.slice(0, 5)).toEqual([]);
    expect(run.latencies.length + run.writeLatencies.length).toBe(CLIENTS * CALLS_PER_CLIENT);
    const count = (person: string) =>
      Array.from({ length: CLIENTS }, (_, c) => c).filter((c) => PEOPLE[c % 3] === person).length;
    expect(run.roleRefusals).toBe(count('bob') * writesOf('bob'));

    // Each client went through the whole flow itself: refused once, registered, sent the person's
    // browser with PKCE and resource = the balancer's /mcp, and got a token of its own.
    for (const oauth of run.clients) {
      expect(oauth.registered).toHaveLength(1);
      expect(oauth.authorizationUrls).toHaveLength(1);
      const asked = oauth.authorizationUrls[0]!.searchParams;
      expect(asked.get('resource')).toBe(`${lb.url}/mcp`);
      expect(asked.get('code_challenge_method')).toBe('S256');
    }
    expect(new Set(run.clients.map((o) => o.tokens()!.access_token)).size).toBe(CLIENTS);
    expect(new Set(as.issuedFor)).toEqual(new Set([`${lb.url}/mcp`]));
    // Every replica served, and each took its share of the token checks (no replica trusts another).
    for (const n of lb.served) expect(n).toBeGreaterThan((CLIENTS * CALLS_PER_CLIENT) / REPLICAS / 2);
    for (const r of replicas) expect(r.stderr()).toMatch(/POST \/mcp 200/);
    // Each replica's log names the people it served, and holds none of their tokens.
    const tokens = run.clients.map((o) => o.tokens()!.access_token);
    for (const r of replicas) {
      for (const who of PEOPLE) expect(r.stderr()).toContain(TEST_USERS[who]!.sub);
      expect(tokens.filter((t) => r.stderr().includes(t))).toEqual([]);
    }
    // The signing keys were fetched once per replica, not once per request (about 5,000 token checks).
    expect(jwks).toBe(REPLICAS);

    // The audit: each replica's own file; every write line names the person who made it.
    const audits = replicas.map((_, i) => auditOf(String(i)));
    const all = audits.flat();
    for (const [person, { path: p }] of Object.entries(REBOOTS)) {
      const lines = all.filter((l) => l.path === p);
      const user = TEST_USERS[person]!;
      for (const l of lines) expect(l.person).toEqual({ sub: user.sub, name: user.email });
      const sent = lines.filter((l) => l.phase === 'sent').length;
      const refused = lines.filter((l) => l.outcome === 'refused').length;
      if (person === 'bob') expect([sent, refused]).toEqual([0, count('bob') * writesOf('bob')]);
      else expect([sent, refused]).toEqual([count(person) * writesOf(person), 0]);
    }
    const ok = all.filter((l) => l.phase === 'result' && l.outcome === 'ok');
    expect(ok).toHaveLength((count('alice') + count('carol')) * writesOf('alice'));
    // Writes landed on every replica, and each replica audited only what it handled.
    for (const a of audits) expect(a.filter((l) => l.phase === 'sent').length).toBeGreaterThan(0);

    // /metrics: the role refusals by reason, every call counted, and no person or token in a label.
    const after = await Promise.all(metricsUrls.map(scrape));
    const moved = (name: string, labels: Record<string, string> = {}) =>
      after.reduce((n, page, i) => n + sumOf(page, name, labels) - sumOf(before[i]!, name, labels), 0);
    expect(moved('proxmox_mcp_refusals_total', { reason: 'role', cluster: 'demo' })).toBe(run.roleRefusals);
    expect(moved('proxmox_mcp_tool_calls_total')).toBe(CLIENTS * CALLS_PER_CLIENT);
    expect(moved('proxmox_mcp_tool_calls_total', { tool: 'guest_action', outcome: 'ok' })).toBe(ok.length);
    // Each client's first try, without a token, was refused once (reason auth), on whichever replica.
    expect(moved('proxmox_mcp_refusals_total', { reason: 'auth' })).toBe(CLIENTS);
    expect(during.length).toBeGreaterThan(0);
    // (The check finds a person when there is one.)
    expect(
      personalLabels([{ name: 'x', labels: { cluster: TEST_USERS.bob!.email }, value: 1 }], []),
    ).toHaveLength(1);
    for (const page of [...before, ...during, ...after]) expect(personalLabels(page, tokens)).toEqual([]);
  }, 120_000);

  it('a replica left without MCP_PUBLIC_URL (its audience is then its own address) refuses the tokens the others accept: calls and sign-ins fail', async () => {
    // What the first test's "0 errors" sees when one replica of three is configured wrong.
    const ups = ['', '', ''];
    const lb2 = await startBalancer(ups, roundRobin(3));
    extra.push(lb2);
    const [a, b, bad] = await Promise.all([
      startReplica('good-a', { MCP_PUBLIC_URL: lb2.url }),
      startReplica('good-b', { MCP_PUBLIC_URL: lb2.url }),
      // On loopback MCP_PUBLIC_URL defaults to the bound URL: tokens for the balancer are not for it.
      startReplica('bad', {}),
    ]);
    extra.push(a, b, bad);
    // People sign in while the third slot is a good replica, then the misconfigured one takes it (a
    // rollout): a third of their calls reach it.
    ups.splice(0, 3, a.url, b.url, a.url);
    const run = await drive(lb2.url, 6, 10, () => (ups[2] = bad.url));
    process.stderr.write(
      `replicas-oauth, one replica without MCP_PUBLIC_URL: ${run.errors.length} of 60 calls failed, e.g. ${run.errors[0]}\n`,
    );
    expect(run.errors.filter((e) => / sign-in: /.test(e))).toEqual([]);
    expect(run.errors.length).toBeGreaterThan(10);
    // Its 401 names its own resource, which is not the URL the client uses: the SDK gives up.
    for (const e of run.errors) expect(e).toMatch(/Protected resource .* does not match expected/);
    expect(bad.stderr()).toMatch(/POST \/mcp 401/);
    expect(bad.stderr()).not.toMatch(/POST \/mcp 200/);
    // Why: the token the good replicas take is for another audience there.
    const token = run.clients[0]!.tokens()!.access_token;
    const ask = (r: SpawnedServer) =>
      rawRequest(r.url, '/mcp', {
        method: 'POST',
        body: initializeBody,
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await ask(a)).status).toBe(200);
    const refused = await ask(bad);
    // Past 20 refused tokens in 10 s from the balancer's address it says so with 429 (refused-tokens.ts).
    if (refused.status === 429) expect(refused.json?.error?.message).toMatch(/audience/);
    else {
      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toMatch(/error="invalid_token".*audience/);
    }
    // And signing in through it fails whenever one of the sign-in's requests lands on it.
    const late = await drive(lb2.url, 3, 0);
    expect(late.errors.length).toBeGreaterThan(0);
    // (or, once it has refused 20 tokens from the balancer within 10 s, its 429 naming the audience)
    for (const e of late.errors)
      expect(e).toMatch(
        / sign-in: (Protected resource .* does not match expected|.*Too Many Requests: .*audience)/,
      );
  }, 60_000);
});
