import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, type Dispatcher } from 'undici';
import { DEMO_TOKEN_SECRET, type Simulator } from '../../src/simulator/testing/index.js';

/**
 * Test client for the simulator. It uses undici's dispatch API because, unlike request(), it exposes the
 * HTTP reason phrase, where PVE puts its error text. TLS is verified against the simulator's own cert.
 */
export interface Answer {
  status: number;
  reason: string;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface CallOptions {
  /** Full Authorization header value; null sends none. Default: the demo token. */
  auth?: string | null;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export const DEMO_AUTH = `PVEAPIToken=root@pam!mcp=${DEMO_TOKEN_SECRET}`;

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const sharedPve = path.resolve(repoRoot, '../shared/pve');
export const sharedExists = existsSync(sharedPve);

export class SimClient {
  readonly agent: Agent;

  constructor(private readonly sim: Pick<Simulator, 'url' | 'certPem'>) {
    this.agent = new Agent({ connect: { ca: sim.certPem } });
  }

  call(method: string, urlPath: string, opts: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...opts.headers };
    const auth = opts.auth === undefined ? DEMO_AUTH : opts.auth;
    if (auth !== null) headers.authorization = auth;
    if (opts.body !== undefined)
      headers['content-type'] = opts.contentType ?? 'application/x-www-form-urlencoded';
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let head: Omit<Answer, 'text'> = { status: 0, reason: '', headers: {} };
      const handler: Dispatcher.DispatchHandler = {
        // undici treats a handler without onRequestStart as a legacy one.
        onRequestStart: () => undefined,
        onResponseStart: (_c, status, h, statusMessage) => {
          head = { status, reason: statusMessage ?? '', headers: h };
        },
        onResponseData: (_c, chunk) => void chunks.push(chunk),
        onResponseEnd: () => resolve({ ...head, text: Buffer.concat(chunks).toString('utf8') }),
        onResponseError: (_c, err) => reject(err),
      };
      this.agent.dispatch(
        {
          origin: this.sim.url,
          method: method as Dispatcher.HttpMethod,
          path: urlPath,
          headers,
          body: opts.body,
        },
        handler,
      );
    });
  }

  /** An API call below /api2/json that must succeed; returns `data` (and `total`). */
  async data<T = unknown>(method: string, apiPath: string, opts: CallOptions = {}): Promise<T> {
    const res = await this.call(method, `/api2/json${apiPath}`, opts);
    if (res.status !== 200) throw new Error(`${method} ${apiPath}: ${res.status} ${res.reason} ${res.text}`);
    return (JSON.parse(res.text) as { data: T }).data;
  }

  api(method: string, apiPath: string, opts: CallOptions = {}): Promise<Answer> {
    return this.call(method, `/api2/json${apiPath}`, opts);
  }

  /** Polls a task until it stops; returns its final status. */
  async waitTask(upid: string, timeoutMs = 5000): Promise<Record<string, unknown>> {
    const node = upid.split(':')[1] ?? '';
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const st = await this.data<Record<string, unknown>>(
        'GET',
        `/nodes/${node}/tasks/${encodeURIComponent(upid)}/status`,
      );
      if (st.status === 'stopped') return st;
      if (Date.now() > deadline) throw new Error(`task ${upid} still running`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

export const json = (a: Answer): Record<string, unknown> => JSON.parse(a.text) as Record<string, unknown>;
