import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
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

export async function startJobHarness(
  opts: { confirm?: string[]; elicit?: boolean } = {},
): Promise<JobHarness> {
  const h = await startHarness({
    clusters: [
      {
        name: 'prod',
        config: opts.confirm
          ? { policy: resolvePolicy(undefined, { confirm: opts.confirm }, 'prod', 'clusters.json') }
          : {},
      },
      { name: 'lab', sim: { nodes: ['lab1', 'lab2'] } },
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
