import { describe, expect, it } from 'vitest';
import { roundRobin, startBalancer } from '../bench/lib/balancer.mjs';
import { TEST_USERS } from '../helpers/oauth-provider.js';
import { scrape, sumOf, type Sample } from '../helpers/prometheus.js';
import { initializeBody, rawRequest, type SpawnedServer } from './helpers.js';
import { CALLS_PER_CLIENT, PEOPLE, REBOOTS, drive, writesOf } from './replicas-oauth/drive.js';
import { auditOf, personalLabels } from './replicas-oauth/evidence.js';
import {
  REPLICAS,
  as,
  extra,
  lb,
  metricsUrls,
  providerRequests,
  replicas,
  startReplica,
  useReplicaStack,
} from './replicas-oauth/stack.js';

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
 * Set-up, the people's calls and the reading of audits and labels: test/http/replicas-oauth/.
 */

const CLIENTS = 50;

useReplicaStack();

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
