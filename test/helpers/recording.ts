import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The suite-wide secret sweep (test/secrets/) needs every piece of output the tests observe: MCP
 * messages, log and audit lines, child-process stdout/stderr, HTTP bodies, thrown errors. This module
 * is where those land. Recording is only on inside the main suite (test/secrets/setup.ts starts it);
 * anywhere else every call here is a cheap no-op, so helpers can call it unconditionally.
 *
 * Each worker process appends JSON lines to its own file; lines are buffered in memory and written in
 * batches, so recording costs a JSON.stringify and an array push per item.
 */

/** Where a recorded text came from. `file` marks a test file having run; `secret` registers a secret. */
export type RecordSource = 'mcp' | 'log' | 'audit' | 'stdout' | 'stderr' | 'http' | 'error';

export interface OutputRecord {
  s: RecordSource | 'file' | 'secret';
  /** The test file (relative to the repository) that was running. */
  f?: string;
  /** The text the sweep scans. */
  t: string;
  [meta: string]: unknown;
}

/** Shorter values are ordinary words ("secret", "s3cret"): scanning for them would only find noise. */
const MIN_SECRET_LENGTH = 8;

interface RecorderState {
  file: string | undefined;
  root: string;
  testFile: string | undefined;
  lines: string[];
  bytes: number;
  secrets: Set<string>;
  /** Partial outputs (a child still running) to record before the buffer goes to disk. */
  pending: Set<() => void>;
  /** Hashes of the long texts already recorded by this process. */
  seen: Set<string>;
}

const FLUSH_BYTES = 512 * 1024;
/**
 * A long text recorded again adds nothing to a scan for secrets, only cost: load tests get the same
 * 30 KB tools/list answer thousands of times (56 MB for one file before this).
 */
const DEDUPE_FROM_CHARS = 1024;
const MAX_SEEN = 50_000;
// On globalThis: vitest re-evaluates test modules per file, but the worker process (and this state,
// the hooks and the open file) lives across files.
const KEY = Symbol.for('proxmox-mcp.test.recording');

function state(): RecorderState {
  const g = globalThis as { [KEY]?: RecorderState };
  return (g[KEY] ??= {
    file: undefined,
    root: process.cwd(),
    testFile: undefined,
    lines: [],
    bytes: 0,
    secrets: new Set(),
    pending: new Set(),
    seen: new Set(),
  });
}

/**
 * Starts recording into `dir` (one file per worker process). Idempotent. Vitest ends its workers
 * without an 'exit' event, so the setup file flushes after each test file.
 */
export function startRecording(dir: string, root: string): void {
  const st = state();
  if (st.file) return;
  st.file = path.join(dir, `worker-${process.pid}.jsonl`);
  st.root = root;
}

function push(record: OutputRecord): void {
  const st = state();
  if (!st.file) return;
  const line = JSON.stringify(record) + '\n';
  st.lines.push(line);
  st.bytes += line.length;
  if (st.bytes > FLUSH_BYTES) writeOut(st);
}

function writeOut(st: RecorderState): void {
  if (!st.file || st.lines.length === 0) return;
  try {
    appendFileSync(st.file, st.lines.join(''));
  } catch (err) {
    // Never fail a test over the recording; the sweep notices what is missing (its file markers).
    process.stderr.write(`secret-sweep recording stopped: ${(err as Error).message}\n`);
    st.file = undefined;
  }
  st.lines = [];
  st.bytes = 0;
}

/** Records one piece of output the tests observed (text as the user or client would see it). */
export function recordOutput(source: RecordSource, text: string, meta: Record<string, unknown> = {}): void {
  const st = state();
  if (!st.file || text === '') return;
  if (text.length >= DEDUPE_FROM_CHARS) {
    const hash = createHash('sha1').update(text).digest('base64');
    if (st.seen.has(hash)) return;
    if (st.seen.size >= MAX_SEEN) st.seen.clear();
    st.seen.add(hash);
  }
  push({ ...meta, s: source, f: st.testFile, t: text });
}

/**
 * Registers values that must never appear in output: token secrets and bearer tokens a test
 * configures. Tests that build their own config with a custom secret call this.
 */
export function registerSecret(...values: Array<string | undefined>): void {
  const st = state();
  for (const value of values) {
    if (!value || value.length < MIN_SECRET_LENGTH || st.secrets.has(value)) continue;
    st.secrets.add(value);
    push({ s: 'secret', f: st.testFile, t: value });
  }
}

/**
 * Marks the start of a test file, so the sweep can tell a whole-suite run from a partial one. Written
 * at once: a file whose tests are all skipped runs no afterAll hook to flush it.
 */
export function markTestFile(absolutePath: string): void {
  const st = state();
  st.testFile = path.relative(st.root, absolutePath);
  push({ s: 'file', f: st.testFile, t: st.testFile });
  writeOut(st);
}

/** Registers a callback that records partial output (for example of a child still running). */
export function onFlush(recordPending: () => void): () => void {
  const st = state();
  st.pending.add(recordPending);
  return () => st.pending.delete(recordPending);
}

/** Writes everything recorded so far to disk (after each test file). */
export function flushRecording(): void {
  const st = state();
  for (const recordPending of st.pending) recordPending();
  writeOut(st);
}
