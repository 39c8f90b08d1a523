import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { connectWithOAuth, TestOAuthClient } from '../../helpers/oauth-client.js';
import { registerSecret } from '../../helpers/recording.js';
import { as } from './stack.js';

/**
 * The people of replicas-oauth.test.ts and what they do: who signs in, which calls each makes (reads,
 * and a reboot every tenth call for writers), and `drive`, which signs them in and runs the calls.
 */

export const CALLS_PER_CLIENT = Number(process.env.REPLICA_TEST_CALLS ?? 100);
/** Who the clients are, in turn: an admin, an operator, a reader. */
export const PEOPLE = ['alice', 'carol', 'bob'] as const;
/** The guest each writer reboots, so an audit line's path says whose write it must be. */
export const REBOOTS: Record<string, { vmid: number; path: string }> = {
  alice: { vmid: 100, path: '/nodes/pve1/qemu/100/status/reboot' },
  carol: { vmid: 105, path: '/nodes/pve3/qemu/105/status/reboot' },
  bob: { vmid: 101, path: '/nodes/pve1/qemu/101/status/reboot' },
};
/** A writer's every tenth call is its reboot; a reader tries one, refused by its role. */
export const isWrite = (person: string, k: number) => (person === 'bob' ? k === 50 : k % 10 === 9);
export const writesOf = (person: string) =>
  Array.from({ length: CALLS_PER_CLIENT }, (_, k) => k).filter((k) => isWrite(person, k)).length;

/**
 * The provider logs in whichever user was chosen last, so two browser steps at once could sign one
 * person in as another: the browser step is taken one client at a time (registration, discovery and
 * the code exchange stay concurrent).
 */
let browser: Promise<unknown> = Promise.resolve();
export class OneBrowserAtATime extends TestOAuthClient {
  override redirectToAuthorization(url: URL): Promise<void> {
    const step = browser.then(() => super.redirectToAuthorization(url));
    browser = step.catch(() => {});
    return step;
  }
}

export interface Run {
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
export async function drive(
  base: string,
  clients: number,
  calls: number,
  signedIn?: () => void,
): Promise<Run> {
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
