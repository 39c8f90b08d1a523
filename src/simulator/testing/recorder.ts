import type { IncomingHttpHeaders } from 'node:http';
import { splitTokenValue, tokenValue } from '../auth.js';
import type { Exchange, Interceptor } from '../exchange.js';
import { parseUrlEncoded } from '../request-params.js';
import type { FaultKind } from './faults.js';

/**
 * The request log tests read as `sim.requests`. It never keeps a credential: the Authorization header is
 * reduced to whether one came and the token id it names (`user@realm!tokenid`, never the secret), and
 * the Cookie header (a PVE ticket) is dropped.
 */
export interface RecordedRequest {
  method: string;
  /** Percent-decoded, without the query: '/api2/json/nodes/pve1/tasks/UPID:pve1:…/status'. */
  path: string;
  query: Record<string, string | string[]>;
  /** The request headers without `authorization` and `cookie`. */
  headers: Record<string, string | string[] | undefined>;
  /** What the Authorization header said, short of its secret. */
  authorization: { present: boolean; tokenId?: string };
  body: string;
  /** The status answered (0 while the answer is still being produced, or when none came). */
  status: number;
  /** Date.now() when the request arrived. */
  time: number;
  /** The injected fault that answered this request instead of the API, if any. */
  fault?: FaultKind;
}

/** Requests kept; the oldest half is dropped when it is exceeded (a long bench run stays bounded). */
const MAX_RECORDED = 20_000;

/** 'PVEAPIToken=root@pam!mcp=SECRET' → 'root@pam!mcp', read the way the engine reads it. */
function tokenIdOf(header: string | undefined): string | undefined {
  const value = tokenValue(header);
  return value === undefined ? undefined : splitTokenValue(value)?.tokenid;
}

function withoutCredentials(headers: IncomingHttpHeaders): RecordedRequest['headers'] {
  const { authorization: _authorization, cookie: _cookie, ...rest } = headers;
  return rest;
}

export class RequestRecorder {
  readonly requests: RecordedRequest[] = [];
  private readonly byExchange = new WeakMap<Exchange, RecordedRequest>();

  /** The log entry of a request in flight (for other interceptors to annotate). */
  of(ex: Exchange): RecordedRequest | undefined {
    return this.byExchange.get(ex);
  }

  readonly interceptor: Interceptor = async (ex, next) => {
    const tokenId = tokenIdOf(ex.headers.authorization);
    const record: RecordedRequest = {
      method: ex.method,
      path: ex.path,
      query: parseUrlEncoded(ex.query),
      headers: withoutCredentials(ex.headers),
      authorization: {
        present: ex.headers.authorization !== undefined,
        ...(tokenId === undefined ? {} : { tokenId }),
      },
      body: '',
      status: 0,
      time: ex.arrived,
    };
    this.byExchange.set(ex, record);
    const log = this.requests;
    log.push(record);
    if (log.length > MAX_RECORDED) log.splice(0, log.length - MAX_RECORDED / 2);
    const answer = await next();
    record.body = ex.bodyText ?? '';
    // An interceptor that answered through the response itself (a fault) left its status there.
    record.status = answer ? answer.status : ex.res.headersSent ? ex.res.statusCode : 0;
    return answer;
  };
}
