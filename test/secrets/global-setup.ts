import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { MANIFEST, readRuns, recordingsRoot, repoRoot, type RunManifest } from './recording-dir.js';

const HOUR = 3_600_000;

/**
 * Main-suite globalSetup: gives this run its own empty recording directory, tells the workers where
 * it is (test/secrets/setup.ts), and writes down what the run selects so the sweep can tell a whole
 * run from `vitest run one/file` or `-t name`. Old recordings are removed, but not those of a run
 * that may still be going on (started less than an hour ago and not finished).
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const now = Date.now();
  for (const run of readRuns()) {
    const age = now - Date.parse(run.manifest.finishedAt ?? run.manifest.startedAt);
    if (run.manifest.finishedAt ? age > 60_000 : age > HOUR)
      rmSync(run.dir, { recursive: true, force: true });
  }
  const dir = path.join(recordingsRoot, `run-${now}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const { testFiles } = await project.globTestFiles();
  // `filenamePattern` is internal in vitest 4; read defensively (the file markers are the backstop).
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern ?? [];
  const config = project.vitest.config;
  const manifest: RunManifest = {
    startedAt: new Date(now).toISOString(),
    // Relative to the repository, like the markers the setup file writes.
    allFiles: testFiles.map((f) => path.relative(repoRoot, f)).sort(),
    filters,
    ...(config.testNamePattern ? { testNamePattern: String(config.testNamePattern) } : {}),
    ...(config.shard ? { shard: `${config.shard.index}/${config.shard.count}` } : {}),
  };
  const manifestPath = path.join(dir, MANIFEST);
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  project.provide('secretSweepDir', dir);
  return () => {
    const started = JSON.parse(readFileSync(manifestPath, 'utf8')) as RunManifest;
    writeFileSync(
      manifestPath,
      JSON.stringify({ ...started, finishedAt: new Date().toISOString() }, null, 2),
    );
  };
}
