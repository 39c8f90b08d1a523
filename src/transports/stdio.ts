import type { Readable, Writable } from 'node:stream';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { clip } from '../clip.js';
import { checkLine, errorAnswer, INVALID_REQUEST, PARSE_ERROR } from './json-rpc-envelope.js';
import { LineSplitter } from './line-splitter.js';

/**
 * Longest line read from stdin. A tools/call with a megabyte of arguments fits; a runaway client
 * cannot make the server buffer without bound (the SDK's transport allows 10 MB, then closes the
 * session).
 */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** How long requests already received may still be answered after stdin ends. */
const DRAIN_MS = 5_000;

/**
 * Replies queued for a client that does not read them, beyond which the session ends. Input is not
 * read while stdout is not draining, so only answers to requests already received can pile up here
 * (many large tool results at once); a reading client never gets near it.
 */
export const MAX_QUEUED_OUTPUT_BYTES = 64 * 1024 * 1024;

/** Malformed-input notes on stderr: the first few each, then one summary line per interval. */
const PROBLEM_BURST = 20;
const PROBLEM_INTERVAL_MS = 10_000;

export interface StdioOptions {
  maxLineBytes?: number;
  /** After stdin ends: how long to wait for answers to requests already received (default 5 s). */
  drainMs?: number;
  /** Told about input that was refused or dropped (never the input itself, which may be anything). */
  onProblem?: (message: string) => void;
  /** Replies left unread beyond this end the session (default MAX_QUEUED_OUTPUT_BYTES). */
  maxQueuedBytes?: number;
}

/**
 * Serves one MCP session over stdin/stdout. Resolves when the session ends: the client closed stdin
 * (the usual way a client stops a server) or the transport closed. stdout carries JSON-RPC only.
 */
export async function serveStdio(
  server: Server,
  stdin: Readable,
  stdout: Writable,
  opts: StdioOptions = {},
): Promise<void> {
  const transport = new StdioLineTransport(stdin, stdout, opts);
  // What the SDK cannot act on (a notification whose params it rejects, a reply to nothing) ends up
  // here; the message may quote the input, so only its start is kept.
  server.onerror ??= (error) => transport.problem(clip(error.message, 300));
  let inputEnded = false;
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
    const ended = () => {
      inputEnded = true;
      resolve();
    };
    stdin.once('end', ended);
    stdin.once('close', ended);
  });
  await server.connect(transport);
  await closed;
  // The client closed stdin (how MCP clients stop a server, and how `printf ... | proxmox-mcp` ends):
  // answer what was already asked before closing, for a while.
  if (inputEnded) await transport.finishPending(opts.drainMs ?? DRAIN_MS);
  await server.close().catch(() => {});
}

/**
 * Newline-delimited JSON-RPC over a pair of streams, answering every malformed line as JSON-RPC 2.0
 * asks instead of dropping it: not JSON → -32700, not a request → -32600, malformed params → -32602,
 * a line over `maxLineBytes` → -32600 (and the rest of it skipped), all with `"id": null` unless the
 * id could be read. Malformed notifications and responses cannot be answered; they are reported to
 * `onProblem` (stderr) and dropped. Blank lines are skipped: they carry no message.
 *
 * Backpressure: while stdout is not draining (the client stopped reading), stdin is not read either,
 * so a client that keeps writing and never reads cannot make the server queue replies without bound;
 * reading resumes on 'drain'. Replies already owed still queue; past `maxQueuedBytes` the session
 * ends with a message on stderr.
 */
export class StdioLineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly splitter: LineSplitter;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly maxLineBytes: number;
  private closed = false;
  /** Requests received and not yet answered, by id. */
  private readonly pending = new Set<string | number>();
  private idle: (() => void) | undefined;
  /** Settles on stdout's next 'drain': one listener however many replies wait for it. */
  private drained: Promise<void> | undefined;
  private readonly problems = new ProblemLog(PROBLEM_BURST, PROBLEM_INTERVAL_MS);

  constructor(
    private readonly stdin: Readable,
    private readonly stdout: Writable,
    private readonly opts: StdioOptions = {},
  ) {
    this.maxLineBytes = opts.maxLineBytes ?? MAX_LINE_BYTES;
    this.splitter = new LineSplitter(
      this.maxLineBytes,
      (line) => this.onLine(line),
      () =>
        this.refuse(
          INVALID_REQUEST,
          `Invalid Request: line longer than ${this.maxLineBytes} bytes; it was skipped up to its end`,
        ),
    );
  }

  private readonly onData = (chunk: Buffer | string): void => {
    this.splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (this.stdout.writableNeedDrain) void this.waitForDrain();
  };

  private readonly onStreamError = (error: Error): void => {
    this.onerror?.(error);
  };

  // EPIPE and friends: the client is gone, so the session is over.
  private readonly onStdoutError = (error: Error): void => {
    this.onerror?.(error);
    void this.close();
  };

  start(): Promise<void> {
    this.stdin.on('data', this.onData);
    this.stdin.on('error', this.onStreamError);
    this.stdout.on('error', this.onStdoutError);
    return Promise.resolve();
  }

  /** Takes a last line without newline, then resolves when every request received is answered. */
  finishPending(maxMs: number): Promise<void> {
    this.splitter.end();
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, maxMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.idle = done;
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (('result' in message || 'error' in message) && message.id !== null && message.id !== undefined) {
      this.pending.delete(message.id);
      if (this.pending.size === 0) this.idle?.();
    }
    if (this.stdout.write(JSON.stringify(message) + '\n')) return Promise.resolve();
    const limit = this.opts.maxQueuedBytes ?? MAX_QUEUED_OUTPUT_BYTES;
    if (this.stdout.writableLength > limit) {
      this.opts.onProblem?.(
        `stdout: the client stopped reading; ${size(this.stdout.writableLength)} of replies are unread (limit ${size(limit)}): ending the session`,
      );
      void this.close();
      return Promise.resolve();
    }
    return this.waitForDrain();
  }

  /** Stops reading stdin until stdout drains: no new requests while replies cannot leave. */
  private waitForDrain(): Promise<void> {
    if (this.drained) return this.drained;
    this.stdin.pause();
    this.drained = new Promise<void>((resolve) => {
      this.stdout.once('drain', () => {
        this.drained = undefined;
        if (!this.closed) this.stdin.resume();
        resolve();
      });
    });
    return this.drained;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.stdin.off('data', this.onData);
    this.stdin.off('error', this.onStreamError);
    this.stdout.off('error', this.onStdoutError);
    if (this.stdin.listenerCount('data') === 0) this.stdin.pause();
    this.splitter.clear();
    this.onclose?.();
    return Promise.resolve();
  }

  private onLine(bytes: Buffer): void {
    let text: string;
    try {
      text = this.decoder.decode(bytes);
    } catch {
      this.refuse(PARSE_ERROR, 'Parse error: the line is not valid UTF-8');
      return;
    }
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim() === '') return;
    const checked = checkLine(text);
    if (checked.kind === 'message') {
      const m = checked.message;
      if ('method' in m && 'id' in m && m.id !== undefined) this.pending.add(m.id);
      this.onmessage?.(m);
    } else if (checked.kind === 'answer') this.answer(checked.error);
    else this.problem(`stdin: dropped ${checked.reason}`);
  }

  /** A client sending garbage at full speed must not flood stderr (which it may not read) either. */
  problem(message: string): void {
    const line = this.problems.note(message, Date.now());
    if (line) this.opts.onProblem?.(line);
  }

  private refuse(code: number, message: string): void {
    this.answer(errorAnswer(null, code, message));
  }

  private answer(error: ReturnType<typeof errorAnswer>): void {
    this.problem(`stdin: answered ${error.error.code}: ${error.error.message}`);
    this.send(error).catch((err: unknown) =>
      this.onerror?.(err instanceof Error ? err : new Error(String(err))),
    );
  }
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/**
 * Lets the first `burst` messages through, then sums the rest up in at most one line per
 * `intervalMs` (how many, and the latest).
 */
class ProblemLog {
  private count = 0;
  private held = 0;
  private lastSummary = 0;

  constructor(
    private readonly burst: number,
    private readonly intervalMs: number,
  ) {}

  note(message: string, now: number): string | undefined {
    if (++this.count < this.burst) return message;
    if (this.count === this.burst) {
      this.lastSummary = now;
      return `${message} (further input problems are summed up every ${this.intervalMs / 1000} s)`;
    }
    this.held++;
    if (now - this.lastSummary < this.intervalMs) return undefined;
    const line = `${this.held} more input problem${this.held === 1 ? '' : 's'} (latest: ${message})`;
    this.lastSummary = now;
    this.held = 0;
    return line;
  }
}
