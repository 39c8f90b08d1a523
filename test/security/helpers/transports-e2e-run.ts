import { afterAll, beforeAll } from 'vitest';
import type { Simulator } from '../../../src/simulator/testing/index.js';
import { assertBuilt } from '../../helpers/cli.js';
import {
  TRANSPORTS,
  requestsOf,
  startPves,
  startStation,
  type Pves,
  type Station,
  type TransportKind,
} from './transports.js';

/**
 * The run transports-e2e.test.ts checks: the simulators and one station per transport (the built binary
 * with a deny rule and an audit file), and call(), which notes every refused write so the audit check can
 * find a "refused" record for each. `pves` is a live binding, set once useStations()'s beforeAll ran.
 */

export const DENY = 'POST /nodes/*/qemu/*/status/stop';
export const CLUSTERS = ['nodoc', 'doc'] as const;

/** Secret values passed as parameters PVE treats as secrets: never in the audit file or stderr. */
export const PARAM_SECRETS = {
  cipassword: 'Cl0udInit-pw-7f3a9c21',
  inputData: 'agent-stdin-4d1e8b7702',
  totp: 'otpauth-9b71c3e5aa04',
};

export let pves: Pves;
const stations = new Map<TransportKind, Station>();
export const station = (kind: TransportKind) => stations.get(kind)!;

/** What each station's calls were refused with, to find their "refused" audit records. */
export const refusedCalls = new Map<
  TransportKind,
  Array<{ tool: string; method: string; cluster: string }>
>();

/** Starts the simulators and one station per transport for the file, and stops them after it. */
export function useStations(): void {
  beforeAll(async () => {
    assertBuilt();
    pves = await startPves();
    const started = await Promise.all(
      TRANSPORTS.map((kind) => startStation(kind, kind, pves, { policy: { deny: [DENY] } })),
    );
    for (const s of started) {
      stations.set(s.kind, s);
      refusedCalls.set(s.kind, []);
    }
  }, 30_000);

  afterAll(async () => {
    await Promise.all([...stations.values()].map((s) => s.close()));
    await pves?.close();
  });
}

export const simOf = (cluster: string): Simulator => (cluster === 'doc' ? pves.doc : pves.nodoc);
export const writesOf = (s: Station, sim: Simulator) =>
  requestsOf(sim, s.label).filter((q) => q.method !== 'GET');

/**
 * Why a request is stopped before sending, as tool results say it: each such write leaves exactly one
 * "refused" record (README, Safety: policy, not confirmed, path, read-only, not flat, audit failing).
 */
const REFUSED =
  /denied by policy rule|Not sent:|escaped "\/"|traversal|backslash|only the \/api2\/json|not a URL|percent-encoding|control character|"\?" or "#"|read-only/;

/** Calls a tool and notes a refused write, for the audit check. */
export async function call(s: Station, tool: string, args: Record<string, unknown>) {
  const r = await s.call(tool, args);
  const method = tool === 'guest_action' ? 'POST' : String(args.method ?? 'GET');
  // guest_action looks the guest up first: a refused lookup (GET) is not an audited write.
  if (
    r.isError &&
    method !== 'GET' &&
    REFUSED.test(r.text) &&
    !/\b(Refused|refused|Not sent:) GET /.test(r.text)
  )
    refusedCalls.get(s.kind)!.push({ tool, method, cluster: String(args.cluster ?? 'nodoc') });
  return r;
}
