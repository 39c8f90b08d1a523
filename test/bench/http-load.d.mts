// Types for http-load.mjs (plain JavaScript so the bench runs it with node, no build step).
export interface ToolCall {
  name: string;
  arguments?: Record<string, unknown>;
}

export interface ToolResult {
  content?: unknown;
  structuredContent?: unknown;
  isError?: boolean;
}

export interface HttpLoadOptions {
  /** Base URL of the server, e.g. http://127.0.0.1:8000 (the driver adds /mcp). */
  url: string;
  headers?: Record<string, string>;
  /** Concurrent sessions (default 50). */
  clients?: number;
  /** tools/call per session, one after the other (default 100). */
  calls?: number;
  /** The tool call to make, or a function choosing it per client and call. Default: list_nodes {}. */
  call?: ToolCall | ((client: number, call: number) => ToolCall);
  /** Returns why a result is wrong, or undefined when it is right. */
  check?: (result: ToolResult, call: ToolCall) => string | undefined;
  /** Called every `sampleEveryMs` while the calls run (e.g. to read RSS). */
  sample?: () => void;
  sampleEveryMs?: number;
}

export interface HttpLoadResult {
  clients: number;
  callsPerClient: number;
  calls: number;
  /** Calls that threw (transport or protocol errors), plus failed DELETEs. */
  errors: number;
  /** Calls answered with isError or a result `check` rejected. */
  wrong: number;
  /** The first few failures, verbatim. */
  failures: string[];
  connectMs: number;
  durationMs: number;
  closeMs: number;
  callsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function runHttpLoad(opts: HttpLoadOptions): Promise<HttpLoadResult>;
