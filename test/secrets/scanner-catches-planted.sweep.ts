import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { flushRecording, registerSecret, startRecording, type OutputRecord } from '../helpers/recording.js';
import { judgeRun } from './readiness.js';
import { recordChildProcesses } from './record-child-processes.js';
import { recordMcp } from './record-mcp.js';
import type { RecordedRun } from './recording-dir.js';
import { readRecordings, registeredSecrets, scanRecords } from './scan.js';

/**
 * The sweep's self-test: a sweep that finds nothing proves something only if it would have found a
 * leak. Secrets are planted in temporary recordings (never the suite's real one), by hand in every
 * encoding the scanner knows, and through the real hooks (a child process, an MCP server).
 */

const SECRET = randomUUID();
/** Characters that URL- and JSON-encoding change, and that base64 turns into + and /. */
const ODD_SECRET = `p@ss/w+rd="q"\\${SECRET.slice(0, 6)}?>>~`;
const b64 = (s: string) => Buffer.from(s).toString('base64');

function rec(s: OutputRecord['s'], t: string): OutputRecord {
  return { s, f: 'planted.test.ts', t };
}

/** The same leak in every encoding the scanner knows, of `secret` and of an odd-character `odd`. */
function plant(secret: string, odd: string): Array<[string, OutputRecord]> {
  return [
    ['as is (any case)', rec('stderr', `proxmox-mcp error: token ${secret} rejected`)],
    ['as is (any case)', rec('stdout', `SECRET=${secret.toUpperCase()}`)],
    ['URL-encoded', rec('http', `GET /x?secret=${encodeURIComponent(odd)}`)],
    ['URL-encoded twice', rec('log', `next=${encodeURIComponent(`/a?t=${encodeURIComponent(odd)}`)}`)],
    ['JSON-escaped', rec('log', JSON.stringify({ msg: `got ${odd}` }))],
    ['JSON-escaped twice', rec('mcp', JSON.stringify({ text: JSON.stringify({ token: odd }) }))],
    ['hex', rec('audit', Buffer.from(`x${secret}`).toString('hex'))],
    ['first half', rec('error', `the token ${secret.slice(0, 20)}… is not valid`)],
    ['second half', rec('error', `…${secret.slice(-19)} is not valid`)],
    // The Authorization header a client would build, at each offset of the secret modulo 3.
    ...['', 'a', 'ab'].map(
      (pad) =>
        ['base64', rec('http', `Basic ${b64(`${pad}PVEAPIToken=root@pam!mcp=${secret}`)}`)] as [
          string,
          OutputRecord,
        ],
    ),
    ['base64url', rec('mcp', b64(`u!t=${odd}`).replaceAll('+', '-').replaceAll('/', '_'))],
  ];
}

describe('the scanner', () => {
  const planted = plant(SECRET, ODD_SECRET);

  it('finds a secret planted in each encoding, naming the encoding, the source and the file', () => {
    for (const [encoding, record] of planted) {
      const findings = scanRecords([record], [SECRET, ODD_SECRET]);
      expect(findings, `${encoding}: ${record.t}`).toHaveLength(1);
      expect(findings[0]).toMatchObject({ encoding, source: record.s, testFile: 'planted.test.ts' });
      // The report shows where, not what: the scanner finds nothing in it.
      expect(scanRecords([rec('log', JSON.stringify(findings[0]))], [SECRET, ODD_SECRET])).toEqual([]);
    }
  });

  it('finds nothing in the same records made with other secrets, nor in registration records', () => {
    const other = plant(randomUUID(), `o+th/er="${randomUUID().slice(0, 8)}"\\~`);
    expect(
      scanRecords(
        other.map(([, r]) => r),
        [SECRET, ODD_SECRET],
      ).map((f) => f.encoding),
    ).toEqual([]);
    // Registration records hold the secrets on purpose: they are not output.
    expect(scanRecords([rec('secret', SECRET)], [SECRET])).toEqual([]);
  });
});

describe('the recording hooks, end to end into a temporary recording', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-sweep-selftest-'));
    startRecording(dir, process.cwd());
    recordChildProcesses();
    recordMcp();
  });

  it('catches a secret a child process prints, even split across two records of a long output', async () => {
    // Past 256 KiB the recorder starts a new record, repeating a tail of the previous one: the secret
    // printed half before that point and half after must still be found whole.
    const script = `const s = process.env.PROXMOX_TOKEN.split('=')[1];
      process.stderr.write('x'.repeat(256 * 1024 + 100) + s.slice(0, 18));
      setTimeout(() => process.stderr.write(s.slice(18) + '\\n'), 100);`;
    const child = spawn(process.execPath, ['-e', script], {
      env: { PROXMOX_TOKEN: `mcp@pve!leaky=${SECRET}` },
    });
    child.stderr.resume();
    await new Promise((r) => child.on('close', r));
    flushRecording();
    const records = readRecordings(dir);
    const stderr = records.filter((r) => r.s === 'stderr');
    expect(stderr.length, 'the output was split into records').toBeGreaterThanOrEqual(2);
    // The secret came in through the child's environment and was registered from there.
    expect(registeredSecrets(records).has(SECRET)).toBe(true);
    const findings = scanRecords(records, registeredSecrets(records));
    expect(findings.map((f) => [f.source, f.encoding, f.meta.cmd])).toContainEqual([
      'stderr',
      'as is (any case)',
      'node',
    ]);
  });

  it('catches a secret in a tool result of an MCP server, with the tool named', async () => {
    registerSecret(ODD_SECRET);
    const server = new McpServer({ name: 'leaky', version: '1' });
    server.registerTool('leak_it', { description: 'leaks' }, () => ({
      content: [{ type: 'text', text: `Authorization: Basic ${b64(`root@pam!mcp=${ODD_SECRET}`)}` }],
    }));
    const client = new Client({ name: 'selftest', version: '1' });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(b);
    await client.connect(a);
    await client.callTool({ name: 'leak_it', arguments: {} });
    await client.close();
    flushRecording();
    const findings = scanRecords(readRecordings(dir), [ODD_SECRET]);
    expect(findings).toContainEqual(
      expect.objectContaining({
        source: 'mcp',
        encoding: 'base64',
        meta: expect.objectContaining({ tool: 'leak_it' }),
      }),
    );
  });
});

describe('judging a recording', () => {
  const run = (over: Partial<RecordedRun['manifest']> = {}): RecordedRun => ({
    dir: '/nowhere',
    manifest: { startedAt: '', finishedAt: '', allFiles: ['a.test.ts', 'b.test.ts'], filters: [], ...over },
  });
  const marks = (...files: string[]) => files.map((f) => rec('file', f));

  it('skips with the reason when there is no recording or the main run was partial', () => {
    expect(judgeRun(undefined, [])).toMatchObject({
      kind: 'skip',
      reason: expect.stringMatching(/npm test/),
    });
    expect(judgeRun(run({ filters: ['test/tools'] }), marks('a.test.ts'))).toMatchObject({
      kind: 'skip',
      reason: expect.stringMatching(/partial \(files filtered by test\/tools\)/),
    });
    expect(judgeRun(run({ testNamePattern: '/x/' }), marks('a.test.ts', 'b.test.ts')).kind).toBe('skip');
  });

  it('calls a whole run with a test file missing from the recording broken, and names the file', () => {
    expect(judgeRun(run(), marks('a.test.ts'))).toMatchObject({
      kind: 'broken',
      reason: expect.stringMatching(/b\.test\.ts/),
    });
    expect(judgeRun(run(), marks('a.test.ts', 'b.test.ts')).kind).toBe('ready');
  });
});
