import type { RecordedRequest, Simulator } from '../../src/simulator/testing/index.js';

/** The per-cluster timeout the reliability tests configure: short, so a hang costs little test time. */
export const TIMEOUT_MS = 1_000;
/**
 * What "within the cluster's timeout" may overshoot by: event-loop and TLS jitter on a loaded 2-core CI
 * machine running other test files at the same time. Far below a second timeout or a retried one.
 */
export const MARGIN_MS = 800;

export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

/**
 * The API requests the simulator received since `mark` (an index into sim.requests) for one method and
 * path below /api2/json: what the tests count to prove how many attempts went out.
 */
export function apiRequests(sim: Simulator, mark: number, method: string, path: string): RecordedRequest[] {
  return sim.requests.slice(mark).filter((r) => r.method === method && r.path === `/api2/json${path}`);
}
