import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { DEMO_TOKEN_SECRET, type Simulator } from '../../src/simulator/testing/index.js';
import { run, type ProcessResult } from './process.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const binPath = path.join(repoRoot, 'bin', 'proxmox-mcp.js');

/** The built bundle must exist: `npm test` builds first. Fail loudly rather than skip. */
export function assertBuilt(): void {
  if (!existsSync(path.join(repoRoot, 'dist', 'cli.js')))
    throw new Error('dist/cli.js missing: run `npm run build` (npm test does it)');
}

export type RunResult = ProcessResult;

/** Runs the built CLI to completion with a clean environment plus `env`. */
export function runCli(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return run(process.execPath, [binPath, ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...opts.env },
    input: opts.input,
    timeoutMs: opts.timeoutMs,
  });
}

/** The environment that points the built CLI at a simulator (single-cluster mode, pinned certificate). */
export function envFor(sim: Simulator): Record<string, string> {
  return {
    PROXMOX_URL: sim.url,
    PROXMOX_TOKEN: `root@pam!mcp=${DEMO_TOKEN_SECRET}`,
    PROXMOX_FINGERPRINT: sim.fingerprint,
  };
}

/** Starts the CLI and keeps it running; for JSON-RPC conversations over stdio. */
export function startCli(args: string[], env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [binPath, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  });
}
