import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_TOKEN_SECRET } from '../../src/simulator/testing/index.js';
import { allTools } from '../../src/tools/index.js';
import type { OutputRecord } from '../helpers/recording.js';
import { TOKEN as BEARER_TOKEN } from '../http/helpers.js';
import { judgeRun } from './readiness.js';
import { latestFinishedRun } from './recording-dir.js';
import { mask, readRecordings, registeredSecrets, scanRecords } from './scan.js';

/**
 * Issue 8: "one test collects every result, error and log line produced by the whole suite's
 * scenarios and asserts the token secret (and the bearer token) never appears". The main suite
 * recorded what its tests observed (test/secrets/setup.ts); this judges the recording of the run that
 * finished last. First that the recording is the whole suite and substantial (so "no secret found"
 * cannot come from recording nothing), then that no registered secret appears in any encoding.
 */

const run = latestFinishedRun();
const verdict = judgeRun(run, run ? readRecordings(run.dir) : []);
const records: OutputRecord[] = verdict.kind === 'ready' ? verdict.records : [];
const output = records.filter((r) => r.s !== 'file' && r.s !== 'secret');
const mcp = output.filter((r) => r.s === 'mcp');
/** What our in-process servers answered to tools/call (the clients' copies would count twice). */
const toolAnswers = mcp.filter((r) => String(r.via).startsWith('server:') && r.kind === 'result' && r.tool);
const fromCli = (s: 'stdout' | 'stderr') => output.filter((r) => r.s === s && r.ours === true);

beforeAll(() => {
  if (verdict.kind === 'skip') console.warn(`secret sweep skipped: ${verdict.reason}`);
});
beforeEach((ctx) => {
  if (verdict.kind === 'skip') ctx.skip(verdict.reason);
});

describe('the recording of the main suite covers its scenarios', () => {
  it('comes from a whole run, with every test file recorded', () => {
    if (verdict.kind === 'broken') expect.fail(verdict.reason);
    expect(verdict.kind).toBe('ready');
    expect(output.length, 'records of output').toBeGreaterThan(2000);
  });

  it('has an answer from every tool, and error results from many of them', () => {
    const answered = new Set(toolAnswers.map((r) => r.tool));
    expect(allTools.map((t) => t.name).filter((name) => !answered.has(name))).toEqual([]);
    const failing = new Set(toolAnswers.filter((r) => r.isError).map((r) => r.tool));
    expect(failing.size, `tools with isError results: ${[...failing].join(', ')}`).toBeGreaterThanOrEqual(5);
  });

  it('has the errors where a secret is most at risk: bad token, TLS, refused access, bad input', () => {
    const errorText = output
      .filter(
        (r) => (r.s === 'mcp' && (r.isError || r.kind === 'error')) || r.s === 'stderr' || r.s === 'error',
      )
      .map((r) => r.t)
      .join('\n');
    // Booleans, not toMatch: a failure must not print recorded text (it may hold the very leak).
    const kinds = {
      'token rejected (401)': /401|authentication fail/i,
      'permission denied (403)': /403|permission|privilege/i,
      'certificate or fingerprint': /certificate|fingerprint/i,
      'config error naming token_secret': /token_secret/,
      'bad arguments': /invalid|-32602/i,
    };
    const absent = Object.entries(kinds).filter(([, pattern]) => !pattern.test(errorText));
    expect(
      absent.map(([kind]) => kind),
      'kinds of error never seen',
    ).toEqual([]);
    const rpcCodes = new Set(mcp.filter((r) => r.kind === 'error').map((r) => r.code));
    expect(rpcCodes.size, `JSON-RPC error codes: ${[...rpcCodes].join(', ')}`).toBeGreaterThanOrEqual(2);
  });

  it('has the built CLI on stdout and stderr, log and audit lines, HTTP bodies and config errors', () => {
    expect(fromCli('stdout').length, 'stdout records of proxmox-mcp processes').toBeGreaterThanOrEqual(10);
    expect(fromCli('stderr').length, 'stderr records of proxmox-mcp processes').toBeGreaterThanOrEqual(10);
    const logs = output.filter((r) => r.s === 'log');
    expect(logs.length, 'log lines').toBeGreaterThanOrEqual(200);
    expect(
      logs.some((r) => /\b(warn|error)\b/.test(r.t)),
      'a warn or error log line',
    ).toBe(true);
    expect(output.filter((r) => r.s === 'audit').length, 'audit files').toBeGreaterThanOrEqual(1);
    const http = output.filter((r) => r.s === 'http');
    expect(http.length, 'HTTP bodies').toBeGreaterThanOrEqual(10);
    expect(
      http.some((r) => r.status === 401),
      'a 401 answer',
    ).toBe(true);
    expect(output.filter((r) => r.s === 'error').length, 'config errors').toBeGreaterThanOrEqual(5);
  });

  it('knows the secrets the scenarios used: the demo token secret, the bearer token and custom ones', () => {
    const secrets = registeredSecrets(records);
    expect(secrets.has(DEMO_TOKEN_SECRET), 'the simulator token secret').toBe(true);
    expect(secrets.has(BEARER_TOKEN), 'the HTTP bearer token').toBe(true);
    expect(secrets.size).toBeGreaterThanOrEqual(6);
  });
});

describe('no secret in any output of the whole suite', () => {
  it('no registered secret appears in any result, error, log line or process output, in any encoding', () => {
    const secrets = new Set([...registeredSecrets(records), DEMO_TOKEN_SECRET, BEARER_TOKEN]);
    const findings = scanRecords(output, secrets);
    const report = findings
      .slice(0, 20)
      .map(
        (f) =>
          `${f.secret} ${f.encoding} in ${f.source} ${JSON.stringify(f.meta)} of ${f.testFile}:\n    ${JSON.stringify(f.context)}`,
      )
      .join('\n');
    expect(findings.length, `secrets found in output (${findings.length}):\n${report}`).toBe(0);
    // Said once, so the CI log shows what was swept.
    console.log(
      `secret sweep: ${output.length} records (${(output.reduce((n, r) => n + r.t.length, 0) / 1e6).toFixed(1)} MB) from ${run?.manifest.allFiles.length} test files, ${secrets.size} secrets [${[...secrets].map(mask).join(', ')}]`,
    );
  });
});
