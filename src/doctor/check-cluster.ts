import { describeConfirmation } from '../safety/confirm-unavailable.js';
import type { ClusterConfig } from '../config/types.js';
import { silentLogger } from '../logger.js';
import { ProxmoxClient } from '../proxmox/client.js';
import { Budget, formatMs, withDeadline } from './budget.js';
import { contextFor } from './context.js';
import { probeDns } from './probe-dns.js';
import { probePrivileges } from './probe-privileges.js';
import { probeSchema } from './probe-schema.js';
import { probeTcp } from './probe-tcp.js';
import { probeTls } from './probe-tls.js';
import { probeToken } from './probe-token.js';
import type { CheckId, CheckResult, ClusterReport, ConfigOrigin } from './report.js';

/** Caps per step; the cluster's overall budget bounds them all. */
const DNS_MS = 5_000;
const CONNECT_MS = 5_000;
/** Slack for the outer guard, so a probe's own timeout (with its better message) fires first. */
const GUARD_SLACK_MS = 500;

export interface ClusterCheckOptions {
  budgetMs: number;
  userAgent: string;
  now?: Date;
  /**
   * The secret could not be read (why, and how to provide it): the network steps still run, which is
   * when a new user needs them most, and the steps that send the token are skipped, saying so.
   */
  noSecret?: { reason: string; fix: string[] };
}

/** dns → tcp → tls → (token → privileges) ∥ schema; a failed step skips those that depend on it. */
export async function checkCluster(
  cluster: ClusterConfig,
  origin: ConfigOrigin,
  opts: ClusterCheckOptions,
): Promise<ClusterReport> {
  const started = Date.now();
  const budget = new Budget(opts.budgetMs);
  const ctx = contextFor(cluster, origin);
  const report: ClusterReport = {
    name: cluster.name,
    url: cluster.origin,
    token: ctx.token,
    tls: cluster.tls.mode,
    readOnly: cluster.readOnly,
    ...(cluster.readOnly ? {} : { confirmation: describeConfirmation(cluster.confirmation) }),
    usable: false,
    checks: [],
    durationMs: 0,
  };
  const finish = (): ClusterReport => {
    const status = (id: CheckId) => report.checks.find((c) => c.id === id)?.status;
    // Usable: the token works and its privileges were seen to allow reading (a warning still does).
    const privileges = status('privileges');
    report.usable = status('token') === 'ok' && (privileges === 'ok' || privileges === 'warn');
    report.durationMs = Date.now() - started;
    return report;
  };
  const skip = (ids: CheckId[], why: string) => {
    for (const id of ids) {
      // Without a secret, the token step says so whatever stopped the checks before it.
      const noSecret = id === 'token' ? opts.noSecret : undefined;
      report.checks.push({
        id,
        status: 'skip',
        summary: `not tried: ${why}${noSecret ? `; and there is no token secret (${noSecret.reason})` : ''}`,
        ...(noSecret ? { fix: noSecret.fix } : {}),
      });
    }
  };
  const outOfTime = `the time limit of ${formatMs(opts.budgetMs)} for this cluster was reached`;

  const dns = await probeDns(ctx, budget.slot(DNS_MS));
  report.checks.push(dns.result);
  report.addresses = dns.addresses;
  if (dns.result.status === 'fail') {
    skip(['tcp', 'tls', 'token', 'privileges', 'schema'], 'the host name does not resolve');
    return finish();
  }
  if (budget.remaining() <= 0)
    return (skip(['tcp', 'tls', 'token', 'privileges', 'schema'], outOfTime), finish());

  const tcp = await probeTcp(ctx, dns.addresses, budget.slot(CONNECT_MS));
  report.checks.push(tcp);
  if (tcp.status === 'fail') {
    skip(['tls', 'token', 'privileges', 'schema'], 'no TCP connection');
    return finish();
  }
  if (budget.remaining() <= 0) return (skip(['tls', 'token', 'privileges', 'schema'], outOfTime), finish());

  const tls = await probeTls(ctx, budget.slot(CONNECT_MS), opts.now);
  report.checks.push(tls.result);
  report.certificate = tls.certificate;
  if (tls.result.status === 'fail') {
    skip(
      ['token', 'privileges', 'schema'],
      'the TLS check failed, so nothing was sent (the token never left)',
    );
    return finish();
  }

  if (cluster.tokenFrom === 'user') return checkWithoutServerToken(cluster, report, budget, opts, finish);

  if (opts.noSecret) {
    report.checks.push({
      id: 'token',
      status: 'skip',
      summary: `not tried: no token secret (${opts.noSecret.reason})`,
      fix: opts.noSecret.fix,
    });
    skip(['privileges', 'schema'], 'they need the token');
    return finish();
  }

  const client = new ProxmoxClient(cluster, { logger: silentLogger, userAgent: opts.userAgent });
  try {
    const api = async (): Promise<CheckResult[]> => {
      const slot = budget.remaining();
      if (slot <= 0) return [skipped('token', outOfTime), skipped('privileges', outOfTime)];
      const token = await guard(probeToken(ctx, client, slot), slot, 'token');
      report.pveVersion = 'pveVersion' in token ? token.pveVersion : undefined;
      const tokenResult = 'result' in token ? token.result : token;
      if (tokenResult.status !== 'ok')
        return [tokenResult, skipped('privileges', 'the token was not accepted')];
      const left = budget.remaining();
      if (left <= 0) return [tokenResult, skipped('privileges', outOfTime)];
      const privs = await guard(probePrivileges(ctx, client, left), left, 'privileges');
      if ('privileges' in privs) report.privileges = privs.privileges;
      return [tokenResult, 'result' in privs ? privs.result : privs];
    };
    const schemaSlot = budget.remaining();
    const [apiResults, schema] = await Promise.all([
      api(),
      schemaSlot > 0
        ? guard(probeSchema(client, schemaSlot), schemaSlot, 'schema')
        : skipped('schema', outOfTime),
    ]);
    report.checks.push(...apiResults, schema);
  } finally {
    await client.close();
  }
  return finish();
}

/**
 * `token_from: "user"`: the server holds no token (each person's request brings their own), so there
 * is none to try here; the public schema still is. Usable as far as the server can tell once TLS holds:
 * each person's token and privileges meet PVE at their first call.
 */
async function checkWithoutServerToken(
  cluster: ClusterConfig,
  report: ClusterReport,
  budget: Budget,
  opts: ClusterCheckOptions,
  finish: () => ClusterReport,
): Promise<ClusterReport> {
  report.checks.push(
    skipped(
      'token',
      'token_from is "user": each person\'s request carries their own API token (X-Proxmox-Token header), so the server holds none to test',
    ),
    skipped('privileges', "each person's own privileges apply (PVE's ACLs of their token)"),
  );
  const slot = budget.remaining();
  const client = new ProxmoxClient(cluster, { logger: silentLogger, userAgent: opts.userAgent });
  try {
    report.checks.push(
      slot > 0
        ? await guard(probeSchema(client, slot), slot, 'schema')
        : skipped('schema', `the time limit of ${formatMs(opts.budgetMs)} for this cluster was reached`),
    );
  } finally {
    await client.close();
  }
  const done = finish();
  done.usable = true;
  return done;
}

function skipped(id: CheckId, why: string): CheckResult {
  return { id, status: 'skip', summary: `not tried: ${why}` };
}

/** The outer bound: a probe that ignores its own timeout is cut off, reported as a failure. */
async function guard<T>(work: Promise<T>, ms: number, id: CheckId): Promise<T | CheckResult> {
  try {
    return await withDeadline(work, ms + GUARD_SLACK_MS);
  } catch {
    return { id, status: id === 'schema' ? 'warn' : 'fail', summary: `no answer within ${formatMs(ms)}` };
  }
}
