import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Interceptor } from '../../src/simulator/exchange.js';
import { resolvePolicy } from '../../src/safety/policy.js';
import type { Guest } from '../../src/simulator/fleet.js';
import type { Simulator } from '../../src/simulator/index.js';
import type { SimState } from '../../src/simulator/state.js';
import { startHarness, type Harness } from '../helpers/harness.js';

/**
 * Two simulated clusters, as the jobs that look "across all clusters" need: 'prod' (the demo fleet on
 * pve1..pve3, the default) and 'lab' (the same guests on lab1 and lab2).
 */
export interface JobHarness extends Harness {
  prod: SimState;
  lab: SimState;
  /** Questions the client was asked (elicitation), when it declared it can be asked. */
  asked: string[];
}

const realApidoc = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../shared/pve/apidoc.json',
);

/**
 * SCENARIO_SCHEMA=real (with ../shared/pve present): the simulators serve PVE 9.2's full API schema instead
 * of their own partial one, so every call is checked against the real parameters before it is sent and the
 * look-ups read what they would on a real cluster. Those figures are printed, not compared (see figures.ts).
 */
export const REAL_SCHEMA = process.env.SCENARIO_SCHEMA === 'real';
if (REAL_SCHEMA && !existsSync(realApidoc)) throw new Error(`SCENARIO_SCHEMA=real needs ${realApidoc}`);

function realSchemaInterceptor(): Interceptor {
  const body = `const apiSchema = ${readFileSync(realApidoc, 'utf8')}\n;\n`;
  return async (ex, next) =>
    ex.path === '/pve-docs/api-viewer/apidoc.js'
      ? { status: 200, reason: 'OK', body, contentType: 'application/javascript' }
      : next();
}

export async function startJobHarness(
  opts: { confirm?: string[]; elicit?: boolean } = {},
): Promise<JobHarness> {
  const h = await startHarness({
    clusters: [
      {
        name: 'prod',
        sim: REAL_SCHEMA ? { interceptors: [realSchemaInterceptor()] } : {},
        config: opts.confirm
          ? { policy: resolvePolicy(undefined, { confirm: opts.confirm }, 'prod', 'clusters.json') }
          : {},
      },
      {
        name: 'lab',
        sim: { nodes: ['lab1', 'lab2'], ...(REAL_SCHEMA ? { interceptors: [realSchemaInterceptor()] } : {}) },
      },
    ],
    defaultCluster: 'prod',
    ...(opts.elicit ? { clientCapabilities: { capabilities: { elicitation: {} } } } : {}),
  });
  const asked: string[] = [];
  if (opts.elicit) {
    h.client.setRequestHandler(ElicitRequestSchema, (req) => {
      asked.push(req.params.message);
      return { action: 'accept', content: { confirm: true } };
    });
  }
  return { ...h, prod: stateOf(h.sims.prod!), lab: stateOf(h.sims.lab!), asked };
}

function stateOf(sim: Simulator): SimState {
  return sim.state;
}

export function guest(state: SimState, vmid: number): Guest {
  const g = state.fleet.guests.get(vmid);
  if (!g) throw new Error(`guest ${vmid} is not in the simulator`);
  return g;
}

/** A finished task in the simulator's history, as a nightly job leaves it. */
export function addFinishedTask(
  state: SimState,
  t: {
    node: string;
    type: string;
    id: string;
    agoSec: number;
    seconds: number;
    lines: string[];
    error?: string;
  },
): void {
  const now = state.clock.nowSec();
  const node = state.fleet.nodes.get(t.node);
  const start = now - t.agoSec;
  state.tasks.addFinished({
    node: t.node,
    type: t.type,
    id: t.id,
    user: 'root@pam',
    starttime: start,
    endtime: start + t.seconds,
    pid: 0x00a1b2 + t.agoSec,
    pstart: (start - (node?.bootTime ?? start - 86400)) * 100,
    lines: t.lines,
    error: t.error,
  });
}
