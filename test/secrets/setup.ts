import { afterAll, expect, inject } from 'vitest';
import { flushRecording, markTestFile, startRecording } from '../helpers/recording.js';
import { reachesModule } from './reaches-module.js';
import { recordChildProcesses } from './record-child-processes.js';
import { repoRoot } from './recording-dir.js';

/**
 * Main-suite setup file (runs before every test file): records what the tests observe for the
 * secret sweep. `inject` is empty when the globalSetup did not run (another config), and then
 * nothing is hooked or recorded.
 */
const dir = inject('secretSweepDir');
const testFile = expect.getState().testPath;
if (dir && testFile) {
  startRecording(dir, repoRoot);
  markTestFile(testFile);
  recordChildProcesses();
  if (reachesModule(testFile, '@modelcontextprotocol/sdk')) (await import('./record-mcp.js')).recordMcp();
  // Setup-file hooks run after the test file's own afterAll (hooks unwind as a stack), so output
  // produced while servers and children shut down is in.
  afterAll(flushRecording);
}
