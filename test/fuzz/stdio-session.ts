import { PassThrough } from 'node:stream';
import { createServer } from '../../src/server.js';
import { serveStdio } from '../../src/transports/stdio.js';
import type { Harness } from '../helpers/harness.js';

export interface JsonRpcLine {
  jsonrpc: string;
  id?: string | number | null;
  method?: string;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

/**
 * Our stdio transport in-process, on a pair of PassThrough streams, serving the harness's clusters:
 * byte-exact control over what arrives (split chunks, no newline for megabytes) without a child.
 */
export interface StdioSession {
  write(bytes: string | Buffer): void;
  /** Every stdout line so far, parsed; a line that is not JSON fails the test that reads it. */
  lines(): JsonRpcLine[];
  /** Resolves once `predicate` holds for the lines so far. */
  until(predicate: (lines: JsonRpcLine[]) => boolean, timeoutMs?: number): Promise<JsonRpcLine[]>;
  problems: string[];
  /** Resolves once everything written so far has been handed to the transport (none left queued). */
  drained(): Promise<void>;
  end(): Promise<void>;
}

export function startStdioSession(h: Harness, maxLineBytes?: number): StdioSession {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const problems: string[] = [];
  const server = createServer({
    registry: h.runtime.registry,
    logger: h.runtime.logger,
    redact: h.runtime.redactor.redact,
  });
  const served = serveStdio(server, stdin, stdout, { maxLineBytes, onProblem: (m) => problems.push(m) });
  const lines = () =>
    out
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as JsonRpcLine);
  return {
    write: (bytes) => stdin.write(bytes),
    lines,
    async until(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const now = lines();
        if (predicate(now)) return now;
        if (Date.now() > deadline) throw new Error(`stdout never matched; it has:\n${out.slice(0, 3000)}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    problems,
    async drained() {
      while (stdin.readableLength > 0) await new Promise((r) => setImmediate(r));
    },
    async end() {
      stdin.end();
      await served;
    },
  };
}

export const request = (id: string | number, method: string, params?: unknown): string =>
  JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }) + '\n';
