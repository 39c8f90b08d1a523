import { authenticate, type Caller, type TokenStore } from './auth.js';
import { ApiError, fail, notImplemented, paramError } from './errors.js';
import { checkApiPermissions } from './permissions.js';
import { Params, Reply, type ParamValue } from './route-types.js';
import { bodyKind, parseBody, parseUrlEncoded } from './request-params.js';
import type { Router } from './routes.js';
import type { SimState } from './state.js';
import { validateParams, type RawValue } from './validate.js';
import type { PveVersion } from './version.js';

/**
 * One API call through the same stages, in the same order, as pveproxy/pvedaemon: authenticate (401),
 * decode the parameters (501 formatter, 506 content type, 400 body), find the handler (501), reject
 * conflicting path parameters (400), check permissions (403), proxy to the node (500 unknown host, 595
 * unreachable), validate parameters (400), run the handler (its status or 500).
 */
export interface ApiRequest {
  method: string;
  /** The formatter part of /api2/<format>/...; only 'json' exists here. */
  format: string;
  /** The path below /api2/<format>, percent-decoded. */
  relPath: string;
  /** The raw query string and body, decoded only once the caller is authenticated (as AnyEvent.pm does). */
  query: string;
  body: string;
  contentType?: string;
  authorization?: string;
  cookie?: string;
}

export interface ApiAnswer {
  status: number;
  /** The message; its first line becomes the HTTP reason phrase. */
  reason: string;
  /** The JSON body; absent means an empty body (401s and proxy failures). */
  payload?: unknown;
  authFailure?: boolean;
}

export function firstLine(message: string): string {
  return message.split(/\r\n|\r|\n/)[0] ?? '';
}

export function errorAnswer(err: unknown, version: PveVersion): ApiAnswer {
  const e = err instanceof ApiError ? err : new ApiError(500, `${String(err)}\n`);
  // AnyEvent::HTTP's pseudo-statuses (595-599) are passed through with an empty body.
  if (e.status >= 595) return { status: e.status, reason: firstLine(e.message) };
  const payload: Record<string, unknown> = { data: null };
  if (e.errors) payload.errors = e.errors;
  if (version.errorMessageInBody) payload.message = e.message;
  return { status: e.status, reason: firstLine(e.message), payload };
}

/** Values as permission templates see them ({vmid} → '100'). */
function scalars(params: Record<string, RawValue>): Record<string, ParamValue | undefined> {
  const out: Record<string, ParamValue | undefined> = {};
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

/** The proxy step for `proxyto: node` methods: the target must resolve and answer. */
function proxyTo(node: string, state: SimState): void {
  const target = state.fleet.nodes.get(node);
  if (!target) {
    throw fail(
      `hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`,
    );
  }
  if (!target.online) throw new ApiError(595, 'No route to host');
}

function run(req: ApiRequest, caller: Caller, state: SimState, router: Router): unknown {
  if (!req.format) throw new ApiError(501, 'no such uri');
  if (req.format !== 'json') throw new ApiError(501, `no formatter for uri ${req.relPath}, ${req.format}`);
  const body =
    req.method === 'POST' || req.method === 'PUT' ? parseBody(bodyKind(req.contentType), req.body) : {};
  const match = router.match(req.method, req.relPath);
  if (!match) throw notImplemented(req.method, req.relPath);
  const { route, pathParams } = match;

  // Query parameters override body parameters; the ExtJS cache buster is dropped.
  const merged: Record<string, RawValue> = { ...body, ...parseUrlEncoded(req.query) };
  delete merged._dc;
  const conflicts: Record<string, string> = {};
  for (const [name, value] of Object.entries(pathParams)) {
    const given = merged[name];
    if (given !== undefined && given !== null && String(given) !== value) {
      conflicts[name] = 'duplicate parameter (already defined in URI) with conflicting values!';
    }
    merged[name] = value;
  }
  if (Object.keys(conflicts).length > 0) throw paramError(conflicts);

  checkApiPermissions(route.permissions, caller.privileges, scalars(merged));
  if (route.proxyto === 'node') proxyTo(String(merged.node), state);
  const params = new Params(validateParams(route.parameters, merged));
  const result = route.handler({ params, caller, state, route });
  if (result instanceof Reply) {
    return result.total === undefined
      ? { data: result.data ?? null }
      : { data: result.data ?? null, total: result.total };
  }
  return { data: result ?? null };
}

export function handleApi(req: ApiRequest, state: SimState, tokens: TokenStore, router: Router): ApiAnswer {
  // Tasks advance lazily: whatever finished by now takes effect before this request looks at the state.
  state.tasks.advance();
  const auth = authenticate(req.authorization, req.cookie, tokens, state.version);
  if ('failure' in auth) return { status: 401, reason: auth.failure, authFailure: true };
  try {
    return { status: 200, reason: 'OK', payload: run(req, auth.caller, state, router) };
  } catch (err) {
    return errorAnswer(err, state.version);
  }
}
