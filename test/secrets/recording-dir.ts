import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the main suite records its output for the secret sweep: one directory per run under
 * node_modules/.cache/vitest/secret-sweep/, so a second run started meanwhile (an engineer running one
 * file) neither deletes nor mixes into a whole-suite recording.
 */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const recordingsRoot = path.join(repoRoot, 'node_modules', '.cache', 'vitest', 'secret-sweep');
export const MANIFEST = 'manifest.json';

/** What the main run was asked to run: the sweep only judges a whole-suite run. */
export interface RunManifest {
  startedAt: string;
  finishedAt?: string;
  /** Every test file of the main suite (relative paths), whatever was selected this run. */
  allFiles: string[];
  /** File filters given on the command line (`vitest run test/tools`). */
  filters: string[];
  /** `-t` pattern. */
  testNamePattern?: string;
  shard?: string;
}

export interface RecordedRun {
  dir: string;
  manifest: RunManifest;
}

export function readRuns(root = recordingsRoot): RecordedRun[] {
  if (!existsSync(root)) return [];
  const runs: RecordedRun[] = [];
  for (const name of readdirSync(root)) {
    try {
      const dir = path.join(root, name);
      runs.push({ dir, manifest: JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8')) as RunManifest });
    } catch {
      // A run being set up, or not a run directory.
    }
  }
  return runs;
}

/** The run that finished last: what `npm test` has just produced before starting the sweep. */
export function latestFinishedRun(root = recordingsRoot): RecordedRun | undefined {
  return readRuns(root)
    .filter((r) => r.manifest.finishedAt)
    .sort((a, b) => a.manifest.finishedAt!.localeCompare(b.manifest.finishedAt!))
    .at(-1);
}

declare module 'vitest' {
  export interface ProvidedContext {
    secretSweepDir: string;
  }
}
