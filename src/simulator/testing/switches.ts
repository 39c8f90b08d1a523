import type { Interceptor } from '../exchange.js';
import { splitAbsUri } from '../http-server.js';

/** What a broken reverse proxy might put in front of a JSON client: cut off mid-envelope. */
const GARBAGE = '<html><head><title>502 Bad Gateway</title></head><body>upstream sent garbage {"data":';

/** Delays every answer the engine (or garbage) gives; faults that answer themselves are not delayed. */
export function latencyInterceptor(latencyMs: () => number): Interceptor {
  return async (ex, next) => {
    const answer = await next();
    if (answer) await ex.sleep(latencyMs());
    return answer;
  };
}

/** Answers 200 with a non-JSON body for paths with the prefix (a full path, or one below /api2/json). */
export function garbageInterceptor(prefix: () => string | null): Interceptor {
  return async (ex, next) => {
    const p = prefix();
    if (p === null) return next();
    const api = splitAbsUri(ex.path);
    if (!ex.path.startsWith(p) && !(api && (api[2] ?? '').startsWith(p))) return next();
    await ex.body().catch(() => '');
    return { status: 200, reason: 'OK', body: GARBAGE, contentType: 'application/json;charset=UTF-8' };
  };
}
