import { STATUS_CODES } from 'node:http';
import { errorAnswer } from '../api.js';
import { ApiError } from '../errors.js';
import type { Answer, Exchange, Interceptor } from '../exchange.js';

/**
 * Fault injection: the ways a real cluster, or what stands in front of it, fails at the HTTP boundary.
 * A faulted request is recorded in `sim.requests` like any other (with `fault` set) but never reaches
 * the API, except where the fault needs the real answer to mangle it (slow-body, truncated-json).
 * Faults apply to /api2/... requests only, so the schema download (/pve-docs) keeps working, unless a
 * fault names it: `match: 'GET /pve-docs'` (a string starting with /pve-docs) faults only that download.
 */
export type FaultKind =
  /** Accept the request and never answer; the socket stays open until the client gives up. */
  | 'hang'
  /** Headers at once, then the real body one byte every `byteIntervalMs`: slower than any timeout. */
  | 'slow-body'
  /** Close the connection without a response (after reading the request: a POST may have "arrived"). */
  | 'reset'
  /** Any status and reason phrase, with PVE's body for it (empty for 595-599, as pveproxy passes them). */
  | 'status'
  /** An HTML page instead of JSON, as a reverse proxy's login page or a wrong port gives. */
  | 'html'
  /** The real JSON answer cut in half, with a Content-Length that matches the cut or lies. */
  | 'truncated-json'
  /** 200 with a body that is not JSON at all. */
  | 'invalid-json';

export interface FaultSpec {
  kind: FaultKind;
  /**
   * Which API requests: 'GET /nodes' (a method and a path prefix), '/nodes' (any method), or a RegExp
   * tested against e.g. 'GET /nodes/pve1/qemu'. Paths are below /api2/json; a prefix matches whole
   * segments ('/nodes' matches '/nodes/pve1', not '/nodesX'). Default: every API request.
   */
  match?: string | RegExp;
  /** Hit this many matching requests, then heal. Default: every matching request until removed. */
  times?: number;
  /** 'status' (default 500) and 'html' (default 200). */
  status?: number;
  /** 'status': the reason phrase (default: PVE's or AnyEvent::HTTP's wording for the status). */
  reason?: string;
  /** 'status': the exact body (default: PVE's error envelope for the status). */
  body?: string;
  /** 'truncated-json': declare the full length, send half and close (default: declare the cut length). */
  lyingLength?: boolean;
  /** 'slow-body': milliseconds between bytes (default 500). */
  byteIntervalMs?: number;
}

export interface FaultHandle {
  readonly spec: FaultSpec;
  /** Requests this fault has answered so far. */
  readonly hits: number;
  /** Stop injecting it (a no-op once it healed or was cleared). */
  remove(): void;
}

/** The simulator's fault API (`sim.faults`). */
export interface FaultControl {
  add(spec: FaultSpec): FaultHandle;
  /** Removes every fault: the cluster is healthy again. */
  clear(): void;
}

const KINDS = new Set<FaultKind>([
  'hang',
  'slow-body',
  'reset',
  'status',
  'html',
  'truncated-json',
  'invalid-json',
]);

/** AnyEvent::HTTP's wording for its pseudo-statuses (NOTES.md §2.5), and common proxy phrases. */
const DEFAULT_REASONS: Record<number, string> = {
  595: 'Connection refused',
  596: 'Connection timed out',
  597: 'Connection reset by peer',
  598: 'User aborted request',
  599: 'Other error',
};

interface ActiveFault extends FaultHandle {
  hits: number;
  remaining: number;
}

export class FaultSet implements FaultControl {
  private list: ActiveFault[] = [];

  constructor(specs: FaultSpec[] = []) {
    for (const spec of specs) this.add(spec);
  }

  /** Read on every request: with no fault set, this one comparison is all the cost. */
  get size(): number {
    return this.list.length;
  }

  add(spec: FaultSpec): FaultHandle {
    validate(spec);
    const fault: ActiveFault = {
      spec: { ...spec },
      hits: 0,
      remaining: spec.times ?? Infinity,
      remove: () => {
        this.list = this.list.filter((f) => f !== fault);
      },
    };
    this.list.push(fault);
    return fault;
  }

  clear(): void {
    this.list = [];
  }

  /** The first fault matching this request, counted as a hit; it heals once its `times` are used. */
  take(method: string, fullPath: string): FaultSpec | undefined {
    const api = /^\/api2\/[^/]*(\/.*)?$/s.exec(fullPath);
    const rel = api ? (api[1] ?? '/') : fullPath;
    const fault = this.list.find(
      (f) => namesDocs(f.spec.match) !== Boolean(api) && matches(f.spec.match, method, rel),
    );
    if (!fault) return undefined;
    fault.hits++;
    if (--fault.remaining <= 0) fault.remove();
    return fault.spec;
  }
}

function validate(spec: FaultSpec): void {
  if (!KINDS.has(spec.kind)) {
    throw new Error(`unknown fault kind '${String(spec.kind)}' (known: ${[...KINDS].join(', ')})`);
  }
  if (spec.times !== undefined && !(Number.isInteger(spec.times) && spec.times > 0)) {
    throw new Error(`fault 'times' must be a positive integer, got ${spec.times}`);
  }
  if (
    spec.status !== undefined &&
    !(Number.isInteger(spec.status) && spec.status >= 100 && spec.status <= 999)
  ) {
    throw new Error(`fault 'status' must be an HTTP status (100-999), got ${spec.status}`);
  }
}

/** A fault for the unauthenticated docs (the API schema), which is matched against the full path. */
function namesDocs(match: string | RegExp | undefined): boolean {
  return typeof match === 'string' && /^(?:[A-Z]+\s+)?\/pve-docs(?:\/|$)/.test(match.trim());
}

function matches(match: string | RegExp | undefined, method: string, rel: string): boolean {
  if (match === undefined) return true;
  if (match instanceof RegExp) {
    match.lastIndex = 0; // a /g or /y pattern keeps its position between test() calls
    return match.test(`${method} ${rel}`);
  }
  const m = /^([A-Z]+)\s+(\S+)$/.exec(match.trim());
  const [wantMethod, prefix] = m ? [m[1], m[2]!] : [undefined, match.trim()];
  if (wantMethod && wantMethod !== method) return false;
  const p = prefix.length > 1 ? prefix.replace(/\/+$/, '') : prefix;
  return p === '/' || rel === p || rel.startsWith(`${p}/`);
}

/**
 * The interceptor that injects the faults of `set`; `onFault` learns which kind answered a request (the
 * request log marks it).
 */
export function faultInterceptor(
  set: FaultSet,
  onFault: (ex: Exchange, kind: FaultKind) => void,
): Interceptor {
  return async (ex, next) => {
    const fault = set.size === 0 ? undefined : set.take(ex.method, ex.path);
    if (!fault) return next();
    onFault(ex, fault.kind);
    await applyFault(fault, ex, next);
    return undefined;
  };
}

/** A reverse proxy's sign-in page: what a misrouted URL or an SSO gateway answers for any path. */
const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><h1>Sign in to continue</h1>' +
  '<form method="post" action="/login"><input name="username"><input name="password" type="password">' +
  '</form></body></html>\n';

const INVALID_JSON = '{"data":{"version":9.2.11,"release":"9.2"';

/** Answers (or not) through `ex` itself; `realAnswer` is what the simulator would have answered. */
async function applyFault(
  spec: FaultSpec,
  ex: Exchange,
  realAnswer: () => Promise<Answer | undefined>,
): Promise<void> {
  /** A faulted POST still shows in the request log what was sent. */
  const readBody = () => ex.body().catch(() => '');
  switch (spec.kind) {
    case 'hang':
      await readBody();
      return; // never answered: the client's timeout, or closing the simulator, ends it
    case 'reset':
      await readBody();
      ex.res.socket?.destroy();
      return;
    case 'status': {
      await readBody();
      const status = spec.status ?? 500;
      const reason = spec.reason ?? DEFAULT_REASONS[status] ?? STATUS_CODES[status] ?? 'Error';
      const api = errorAnswer(new ApiError(status, `${reason}\n`), ex.version);
      const body = spec.body ?? (api.payload === undefined ? '' : JSON.stringify(api.payload));
      ex.send({ status, reason, body, contentType: 'application/json;charset=UTF-8' });
      return;
    }
    case 'html': {
      await readBody();
      const status = spec.status ?? 200;
      const reason = STATUS_CODES[status] ?? 'OK';
      ex.send({ status, reason, body: HTML_PAGE, contentType: 'text/html; charset=utf-8' });
      return;
    }
    case 'invalid-json':
      await readBody();
      ex.send({
        status: 200,
        reason: 'OK',
        body: INVALID_JSON,
        contentType: 'application/json;charset=UTF-8',
      });
      return;
    case 'truncated-json':
      return truncate(spec, ex, await realAnswer());
    case 'slow-body':
      return dribble(spec, ex, await realAnswer());
  }
}

async function truncate(spec: FaultSpec, ex: Exchange, real: Answer | undefined): Promise<void> {
  if (!real) return; // an inner interceptor answered itself
  const full = Buffer.from(real.body, 'utf8');
  const cut = full.subarray(0, Math.max(1, Math.floor(full.length / 2)));
  if (!spec.lyingLength) {
    ex.send({ ...real, body: cut.toString('utf8') });
    return;
  }
  // Promise the whole body, deliver half, then drop the connection: the client sees it mid-body.
  ex.res.writeHead(real.status, {
    'Content-Type': real.contentType ?? 'application/json;charset=UTF-8',
    'Content-Length': full.length,
  });
  ex.res.write(cut, () => ex.res.socket?.destroy());
}

async function dribble(spec: FaultSpec, ex: Exchange, real: Answer | undefined): Promise<void> {
  if (!real) return;
  const body = Buffer.from(real.body, 'utf8');
  const res = ex.res;
  res.writeHead(real.status, {
    'Content-Type': real.contentType ?? 'application/json;charset=UTF-8',
    'Content-Length': body.length,
  });
  res.flushHeaders();
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed || sent >= body.length) {
      clearInterval(timer);
      if (!res.destroyed) res.end();
      return;
    }
    res.write(body.subarray(sent, sent + 1));
    sent++;
  }, spec.byteIntervalMs ?? 500);
  ex.track(timer);
  res.on('close', () => clearInterval(timer));
}
