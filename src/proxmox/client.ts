import type { ClusterPool } from './cluster-agent.js';
import type { ClusterConfig } from '../config/types.js';
import type { Logger } from '../logger.js';
import { resolveApiPath, InvalidApiPathError, type ApiPath } from './api-path.js';
import { policyGuard } from '../safety/policy-guard.js';
import { encodeBody, encodeQuery, type Params } from './encode.js';
import { ProxmoxRefusedError, type RequestFacts } from './errors.js';
import { httpErrorFrom, transportErrorFrom } from './error-mapping.js';
import { Deadline, withRetries } from './retry.js';
import type { sendRequest } from './http-request.js';
import { RequestAborted, RequestTimedOut } from './request-errors.js';
import { flatParamsProblem } from './flat-params.js';
import { parseEnvelope, type ApiResponse } from './envelope.js';
import { nextRequestId } from './request-id.js';
import { personalAuthorization } from './personal-token.js';
import type { HttpMethod, RequestContext, RequestGuard } from './request-types.js';
import {
  auditPersonOf,
  type BeforeSend,
  type OutgoingRequest,
  type RequestEvent,
  type RequestObserver,
} from './request-events.js';
import { metrics } from '../metrics/events.js';

export type {
  ConfirmAnswer,
  ConfirmQuestion,
  ConfirmUnavailable,
  GuardRequest,
  HttpMethod,
  RequestContext,
  RequestGuard,
} from './request-types.js';

export interface RequestOptions {
  signal?: AbortSignal;
  encoding?: 'form' | 'json';
  timeoutMs?: number;
  context?: RequestContext;
}

export type {
  AuditPerson,
  BeforeSend,
  OutgoingRequest,
  RequestEvent,
  RequestObserver,
} from './request-events.js';

export type { ApiResponse } from './envelope.js';

export interface ClientOptions {
  logger: Logger;
  guards?: RequestGuard[];
  observers?: RequestObserver[];
  beforeSend?: BeforeSend[];
  userAgent?: string;
  maxResponseBytes?: number;
}

/** The keep-alive pool and the function that sends on it; both load on first use. */
interface Connection {
  pool: ClusterPool;
  send: typeof sendRequest;
}

/** 64 MiB: far above any real answer; stops a broken or hostile endpoint from exhausting memory. */
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * A hand-written Proxmox VE API client. One per cluster, with its own undici pool (connections bounded
 * per cluster, keep-alive) and TLS decision (cluster-agent.ts); it keeps the HTTP reason phrase, where
 * PVE puts its errors (http-request.ts).
 */
export class ProxmoxClient {
  readonly cluster: ClusterConfig;
  private pool: Promise<Connection> | undefined;
  private readonly authHeader: string;
  readonly guards: RequestGuard[];
  readonly observers: RequestObserver[];
  readonly beforeSend: BeforeSend[];

  constructor(
    cluster: ClusterConfig,
    private readonly opts: ClientOptions,
  ) {
    this.cluster = cluster;
    // token_from "user": no token of ours; each request brings the person's (authorizationFor).
    this.authHeader =
      cluster.tokenFrom === 'user'
        ? ''
        : `PVEAPIToken=${cluster.user}!${cluster.tokenId}=${cluster.tokenSecret}`;
    this.guards = [...(opts.guards ?? [])];
    this.observers = [...(opts.observers ?? [])];
    this.beforeSend = [...(opts.beforeSend ?? [])];
  }

  /**
   * The keep-alive pool with this cluster's TLS decision, made on first use: its module (undici, and
   * node:tls with it) loads then, so a stdio session's start-up does not pay for it.
   */
  private connection(): Promise<Connection> {
    this.pool ??= Promise.all([import('./cluster-agent.js'), import('./http-request.js')]).then(
      ([{ createClusterPool }, { sendRequest }]) => ({
        pool: createClusterPool({
          origin: this.cluster.origin,
          tls: this.cluster.tls,
          connectTimeoutMs: Math.min(this.cluster.timeoutMs, 10_000),
          maxResponseBytes: this.maxResponseBytes,
        }),
        send: sendRequest,
      }),
    );
    return this.pool;
  }

  private get maxResponseBytes(): number {
    return this.opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  /** The token id (never the secret), for messages. */
  get tokenLabel(): string {
    if (this.cluster.tokenFrom === 'user') return 'each person\'s own token (token_from "user")';
    return `${this.cluster.user}!${this.cluster.tokenId}`;
  }

  /** The configured token, or on a `token_from: "user"` cluster the person's (refused when absent). */
  private authorizationFor(context: RequestContext, facts: RequestFacts): string {
    if (this.cluster.tokenFrom !== 'user') return this.authHeader;
    return personalAuthorization(this.cluster, context.personalToken, facts);
  }

  async request<T = unknown>(
    method: HttpMethod,
    path: string,
    params: Params = {},
    opts: RequestOptions = {},
  ): Promise<T> {
    return (await this.requestFull<T>(method, path, params, opts)).data;
  }

  /** Like request() but keeps `total` and the status. */
  async requestFull<T = unknown>(
    method: HttpMethod,
    rawPath: string,
    params: Params = {},
    opts: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const facts: RequestFacts = { cluster: this.cluster.name, method, path: rawPath };
    const context = opts.context ?? {};
    const toolName = context.toolName;
    const person = auditPersonOf(context);
    let path = rawPath;
    let authorization: string;
    try {
      // First: nothing below (guards, the audit record, the encoder) has to walk a deep structure.
      const notFlat = flatParamsProblem(params);
      if (notFlat)
        throw new ProxmoxRefusedError(
          'REFUSED',
          `refused ${method} ${rawPath}: ${notFlat}; nothing was sent`,
          facts,
        );
      let route: ApiPath;
      try {
        route = resolveApiPath(rawPath);
      } catch (err) {
        if (err instanceof InvalidApiPathError)
          throw new ProxmoxRefusedError('INVALID_PATH', err.message, facts);
        throw err;
      }
      path = route.path;
      facts.path = path;
      // The policy (read-only, deny, allow, confirm) is not an optional guard: it always runs, on the
      // segments PVE will route `path` on, and `path` is exactly what send() puts on the wire.
      const guarded = { cluster: this.cluster, method, path, route, params, context };
      await policyGuard(guarded);
      for (const guard of this.guards) await guard(guarded);
      authorization = this.authorizationFor(context, facts);
    } catch (err) {
      // Refusals are outcomes too: the audit log records what was attempted and stopped.
      if (err instanceof ProxmoxRefusedError)
        this.notify({ method, path, params, toolName, person, refused: true, error: err, durationMs: 0 });
      else this.checkFailed(err, { method, path, params, toolName, person });
      throw err;
    }

    const id = nextRequestId();
    this.recordBeforeSend({ id, cluster: this.cluster.name, method, path, params, toolName, person }, facts);

    const started = Date.now();
    const attempts = { count: 0 };
    try {
      const res = await this.send<T>(method, path, params, opts, facts, attempts, authorization);
      this.notify({
        id,
        method,
        path,
        params,
        toolName,
        person,
        status: res.status,
        data: res.data,
        durationMs: Date.now() - started,
        attempts: attempts.count,
      });
      return res;
    } catch (err) {
      // Whatever failed, the outcome is an error: a non-Proxmox throw is not "ok".
      const error = err instanceof Error ? err : new Error(String(err));
      this.notify({
        id,
        method,
        path,
        params,
        toolName,
        person,
        status: 'status' in error && typeof error.status === 'number' ? error.status : undefined,
        error,
        durationMs: Date.now() - started,
        attempts: attempts.count,
      });
      throw err;
    }
  }

  /**
   * The pre-send step: a throw stops the request (fail closed) and is recorded once as a refusal.
   * A hook that throws something other than a refusal is a bug; it still stops the request.
   */
  private recordBeforeSend(req: OutgoingRequest, facts: RequestFacts): void {
    try {
      for (const hook of this.beforeSend) hook(req);
    } catch (err) {
      const refusal =
        err instanceof ProxmoxRefusedError
          ? err
          : new ProxmoxRefusedError(
              'REFUSED',
              `refused ${req.method} ${req.path}: its audit record could not be made (${err instanceof Error ? err.message : String(err)}); nothing was sent`,
              facts,
            );
      const { method, path, params, toolName, person } = req;
      this.notify({ method, path, params, toolName, person, refused: true, error: refusal, durationMs: 0 });
      throw refusal;
    }
  }

  /**
   * A check before sending (a guard, the path parser) threw something other than a refusal: a bug.
   * The request is not sent; the log says so, and the audit records the attempt as an error.
   */
  private checkFailed(
    err: unknown,
    req: Pick<RequestEvent, 'method' | 'path' | 'params' | 'toolName' | 'person'>,
  ): void {
    const error = err instanceof Error ? err : new Error(String(err));
    this.opts.logger.error(
      `a check before sending failed unexpectedly; ${req.method} ${req.path} on cluster "${this.cluster.name}" was not sent`,
      { cluster: this.cluster.name, error: error.stack ?? error.message },
    );
    this.notify({ ...req, error, durationMs: 0 });
  }

  private notify(e: Omit<RequestEvent, 'cluster'>): void {
    for (const o of this.observers) {
      try {
        o({ cluster: this.cluster.name, ...e });
      } catch (err) {
        this.opts.logger.warn('request observer failed', { error: String(err) });
      }
    }
  }

  private async send<T>(
    method: HttpMethod,
    path: string,
    params: Params,
    opts: RequestOptions,
    facts: RequestFacts,
    attempts: { count: number },
    authorization: string,
  ): Promise<ApiResponse<T>> {
    // One deadline for the whole call: retries and their backoff spend the same budget.
    const deadline = new Deadline(opts.timeoutMs ?? this.cluster.timeoutMs, opts.signal);
    const inQuery = method === 'GET' || method === 'DELETE';
    const target = `/api2/json${path}${inQuery ? encodeQuery(params) : ''}`;
    const body = inQuery ? undefined : encodeBody(params, opts.encoding ?? 'form');
    const headers: Record<string, string> = {
      Authorization: authorization,
      Accept: 'application/json',
      'User-Agent': this.opts.userAgent ?? 'proxmox-mcp',
    };
    if (body) headers['Content-Type'] = body.contentType;
    const text = await withRetries(
      () => this.fetchText(target, { method, headers, body: body?.body }, deadline, facts, true),
      {
        method,
        deadline,
        attempts,
        onRetry: ({ retry, maxAttempts, delayMs, error }) =>
          this.opts.logger.warn(`retrying ${method} ${path} on cluster "${this.cluster.name}"`, {
            attempt: retry + 1,
            of: maxAttempts,
            in_ms: delayMs,
            after: error.message,
          }),
      },
    );
    return parseEnvelope<T>(text.body, text.status, facts);
  }

  /**
   * GET a file outside the API (the schema at /pve-docs/api-viewer/apidoc.js) with the same TLS
   * settings and NO credentials: PVE serves it unauthenticated, so the token has no business there.
   */
  async fetchPublic(path: string, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<string> {
    if (!/^\/pve-docs\/[A-Za-z0-9/_.-]+$/.test(path) || path.includes('..')) {
      throw new ProxmoxRefusedError('INVALID_PATH', `not a public PVE docs path: ${path}`, {
        cluster: this.cluster.name,
        method: 'GET',
        path,
      });
    }
    const facts: RequestFacts = { cluster: this.cluster.name, method: 'GET', path };
    const res = await this.fetchText(
      path,
      { method: 'GET', headers: { 'User-Agent': 'proxmox-mcp' } },
      new Deadline(opts.timeoutMs ?? this.cluster.timeoutMs, opts.signal),
      facts,
      false,
    );
    return res.body;
  }

  /** One attempt: `target` is the path and query on this cluster's origin. Redirects are not followed. */
  private async fetchText(
    target: string,
    init: { method: string; headers: Record<string, string>; body?: string },
    deadline: Deadline,
    facts: RequestFacts,
    api: boolean,
  ): Promise<{ status: number; body: string }> {
    let res;
    // Every exchange with PVE, answered or not, for /metrics (the time includes waiting for a connection).
    const started = performance.now();
    const observe = (status: number) =>
      metrics.upstream(this.cluster.name, status, (performance.now() - started) / 1000);
    try {
      const { pool, send } = await this.connection();
      // Waiting for one of the cluster's connections (undici's queue) counts against the deadline.
      res = await send(
        pool.dispatcher,
        { path: target, ...init },
        {
          timeoutMs: Math.max(0, deadline.remainingMs()),
          signal: deadline.caller,
          maxBytes: this.maxResponseBytes,
        },
      );
    } catch (err) {
      observe(0);
      throw transportErrorFrom(err, facts, this.cluster, {
        timeoutMs: deadline.timeoutMs,
        timedOut: err instanceof RequestTimedOut,
        aborted: err instanceof RequestAborted,
      });
    }
    observe(res.status);
    if (res.status < 200 || res.status >= 300) {
      throw httpErrorFrom(res.status, res.statusText, res.body, facts, api);
    }
    return { status: res.status, body: res.body };
  }

  async close(): Promise<void> {
    // Never made (no request was sent) means nothing to close. Idle sockets close now; one still
    // answering is cut (the caller is shutting down).
    if (this.pool) await this.pool.then((c) => c.pool.close()).catch(() => {});
  }
}
