import { createSelfSignedCertificate } from '../certificate.js';
import type { Interceptor } from '../exchange.js';
import {
  startSimulator as startEngine,
  type Simulator as EngineSimulator,
  type SimulatorOptions as EngineOptions,
} from '../index.js';
import { FaultSet, faultInterceptor, type FaultControl, type FaultSpec } from './faults.js';
import {
  GENERATED_POOLS,
  generateGuestSeeds,
  generatedNodeNames,
  type GeneratedFleetSpec,
} from './fleet-generated.js';
import { RequestRecorder, type RecordedRequest } from './recorder.js';
import { garbageInterceptor, latencyInterceptor } from './switches.js';

/**
 * The simulator with its test controls: faults, garbage, latency, certificate changes, generated fleets
 * and the request log. Imported by tests and benchmarks only; `proxmox-mcp demo` runs the engine
 * (../index.ts) without any of it, and the build leaves this folder out of the package. The benchmarks
 * run a copy built from this file to dist-testing/simulator.js (tsup.config.ts; `npm run build` makes it),
 * because their simulator processes run plain Node, which cannot load TypeScript.
 */
export { DEMO_TOKEN_SECRET, type SimulatorToken } from '../index.js';
export type { FaultControl, FaultHandle, FaultKind, FaultSpec } from './faults.js';
export type { GeneratedFleetSpec } from './fleet-generated.js';
export type { RecordedRequest } from './recorder.js';

export interface SimulatorOptions extends Omit<EngineOptions, 'seed'> {
  /**
   * Default 'demo' fleet. `{ guests: 10000 }` generates a large deterministic fleet (fleet-generated.ts) on
   * nodes pve01, pve02, … (`{ guests, nodes: 16 }` sets how many) unless `nodes` names them.
   */
  seed?: 'demo' | 'empty' | GeneratedFleetSpec;
  /** Faults active from the start (a cluster born broken); `sim.faults` adds and clears them later. */
  faults?: FaultSpec[];
  /** Keep `sim.requests` (default true; a benchmark that never reads it may turn it off). */
  record?: boolean;
}

export interface Simulator extends EngineSimulator {
  /** Inject faults into API requests (faults.ts): hang, slow-body, reset, status, html, bad JSON. */
  faults: FaultControl;
  /**
   * Switches to a fresh self-signed certificate (as after a renewal) and drops open connections, as the
   * pveproxy restart that follows does. Updates `fingerprint` and `certPem`; returns the new fingerprint.
   */
  changeCertificate(): string;
  /**
   * Every request (also unauthenticated ones), newest last, without credentials (recorder.ts); capped at
   * 20 000 (oldest dropped). Empty with `record: false`.
   */
  requests: RecordedRequest[];
  /** Delay every answer (slow-cluster / timeout tests). */
  setLatency(ms: number): void;
  /** Answer 200 with a non-JSON body for paths with this prefix (full path or below /api2/json). */
  setGarbage(pathPrefix: string | null): void;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const { seed, faults: initialFaults, record = true, interceptors = [], ...engineOpts } = opts;
  const faults = new FaultSet(initialFaults);
  const recorder = new RequestRecorder();
  let latencyMs = 0;
  let garbagePrefix: string | null = null;
  // Outermost first: the log has the status before the latency delays the answer; faults come before
  // garbage, so a fault that mangles the real answer mangles the garbage too (as before the move).
  const controls: Interceptor[] = [
    latencyInterceptor(() => latencyMs),
    ...(record ? [recorder.interceptor] : []),
    faultInterceptor(faults, (ex, kind) => {
      const entry = recorder.of(ex);
      if (entry) entry.fault = kind;
    }),
    garbageInterceptor(() => garbagePrefix),
  ];
  const generated = typeof seed === 'object' ? seed : undefined;
  const engine = await startEngine({
    ...engineOpts,
    nodes: engineOpts.nodes ?? (generated ? generatedNodeNames(generated) : undefined),
    seed: typeof seed === 'object' ? generatedFleet(seed, engineOpts.nodes?.length) : seed,
    interceptors: [...controls, ...interceptors],
  });
  // One object: the engine's replaceCertificate() updates the fingerprint tests read from it.
  return Object.assign(engine, {
    faults,
    requests: recorder.requests,
    changeCertificate(): string {
      const next = createSelfSignedCertificate();
      engine.replaceCertificate(next);
      return next.fingerprint;
    },
    setLatency(ms: number): void {
      latencyMs = Math.max(0, ms);
    },
    setGarbage(pathPrefix: string | null): void {
      garbagePrefix = pathPrefix;
    },
  });
}

function generatedFleet(spec: GeneratedFleetSpec, nodeCount = generatedNodeNames(spec).length) {
  return {
    guests: generateGuestSeeds(spec, nodeCount),
    pools: GENERATED_POOLS.map((id) => ({
      id,
      comment: `${id} guests`,
      storage: id === 'prod' ? ['nas'] : [],
    })),
  };
}
