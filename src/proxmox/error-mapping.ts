import type { ClusterConfig } from '../config/types.js';
import {
  ProxmoxError,
  ProxmoxHttpError,
  ProxmoxNetworkError,
  ProxmoxTimeoutError,
  ProxmoxTlsError,
  type ProxmoxErrorCode,
  type RequestFacts,
} from './errors.js';
import { ResponseTooLargeError } from './response-too-large.js';
import { TlsCheckError } from './tls.js';
import { cutText } from '../clip.js';
import { redactKnown } from '../redact.js';

/** Classifies a non-2xx answer. PVE's text is in the reason phrase, and since 8.3 also in `message`. */
export function httpErrorFrom(
  status: number,
  reason: string,
  body: string,
  facts: RequestFacts,
  api: boolean,
): ProxmoxHttpError {
  let message: string | undefined;
  let errors: Record<string, string> | undefined;
  if (body) {
    try {
      const json = JSON.parse(body) as { message?: unknown; errors?: unknown };
      if (typeof json.message === 'string' && json.message.trim()) message = redactKnown(json.message.trim());
      if (json.errors && typeof json.errors === 'object' && !Array.isArray(json.errors)) {
        errors = Object.fromEntries(
          Object.entries(json.errors as Record<string, unknown>).map(([k, v]) => [
            redactKnown(k),
            redactKnown(errorText(v)),
          ]),
        );
      }
    } catch {
      // Not JSON: 595 and 401 have empty bodies, and some proxies answer HTML. The reason phrase stays.
    }
  }
  // Redacted here, where the text enters, so whatever later quotes or cuts it holds no whole secret.
  return new ProxmoxHttpError(
    codeFor(status, api),
    facts,
    status,
    redactKnown(reason.trim()),
    message,
    errors,
  );
}

/** PVE's per-parameter errors are strings; anything else (a hostile deep structure) gets a label, not a walk. */
function errorText(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return Array.isArray(v) ? '[a list]' : v === null ? 'null' : '[an object]';
}

function codeFor(status: number, api: boolean): ProxmoxErrorCode {
  if (!api) return 'HTTP_ERROR';
  if (status === 401) return 'AUTH_FAILED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 400) return 'PARAMETER_ERROR';
  if (status === 501) return 'NOT_IMPLEMENTED';
  if (status >= 595 && status <= 599) return 'NODE_UNREACHABLE';
  return 'HTTP_ERROR';
}

const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** Classifies a failure below HTTP: TLS, DNS, connect, timeout, abort, oversized or broken bodies. */
export function transportErrorFrom(
  err: unknown,
  facts: RequestFacts,
  cluster: ClusterConfig,
  state: { timeoutMs: number; timedOut: boolean; aborted: boolean },
): ProxmoxError {
  if (err instanceof ProxmoxError) return err;
  if (state.aborted) return abortedError(facts);
  if (state.timedOut) return new ProxmoxTimeoutError(facts, state.timeoutMs);
  const chain = causeChain(err);
  const tls = chain.find((e): e is TlsCheckError => e instanceof TlsCheckError);
  if (tls) {
    return new ProxmoxTlsError(
      facts,
      tls.reason,
      tls.presentedFingerprint,
      cluster.tls.mode === 'fingerprint' ? cluster.tls.fingerprint : undefined,
      tls.subject,
    );
  }
  const tooLarge = chain.find((e) => e instanceof ResponseTooLargeError);
  if (tooLarge)
    return new ProxmoxError(
      'INVALID_RESPONSE',
      `${facts.method} ${facts.path} on ${facts.cluster}: ${tooLarge.message}`,
      facts,
    );
  const corrupt = chain.find((e) => (e as { code?: unknown }).code === 'EBADGZIP');
  if (corrupt)
    return new ProxmoxError(
      'INVALID_RESPONSE',
      `${facts.method} ${facts.path} on ${facts.cluster}: ${corrupt.message}; something between here and the node mangles answers`,
      facts,
    );
  const codes = chain
    .map((e) => (e as { code?: unknown }).code)
    .filter((c): c is string => typeof c === 'string');
  const netCode = codes.find((c) => NETWORK_CODES.has(c));
  if (netCode === 'UND_ERR_CONNECT_TIMEOUT' || netCode === 'ETIMEDOUT') {
    return new ProxmoxNetworkError(facts, cluster.host, cluster.port, 'ETIMEDOUT', err);
  }
  if (netCode) return new ProxmoxNetworkError(facts, cluster.host, cluster.port, netCode, err);
  const sslish = chain.find((e) =>
    /SSL|TLS|certificate|EPROTO/i.test(`${(e as { code?: string }).code ?? ''} ${e.message}`),
  );
  if (sslish) {
    const hint = /wrong version number|packet length too long|WRONG_VERSION/i.test(sslish.message)
      ? 'the server does not speak TLS on this port (plain HTTP?)'
      : sslish.message;
    return new ProxmoxTlsError(facts, hint, undefined, undefined);
  }
  const last = chain[chain.length - 1];
  return new ProxmoxNetworkError(facts, cluster.host, cluster.port, codes[0], last ?? err);
}

/**
 * A 2xx answer that is not PVE's JSON envelope. An HTML page means the URL reaches some other web
 * server (a reverse proxy's login page, a wrong port); JSON-looking text that does not parse was cut
 * off or mangled on the way.
 */
const PREVIEW = 80;
/** More than any secret's longest form: a secret starting inside the preview is whole when redacted. */
const HEAD_SLACK = 1024;

export function invalidBodyError(text: string, status: number, facts: RequestFacts): ProxmoxError {
  const where = `${facts.method} ${facts.path} on cluster "${facts.cluster}"`;
  // Quoted in part: redact, then cut (clip.ts), so a server echoing our Authorization header back
  // cannot leave a piece of the secret at the cut. Only the head is redacted: the body may be 64 MiB.
  const start = JSON.stringify(cutText(text.slice(0, PREVIEW + HEAD_SLACK), PREVIEW).text);
  if (/^\s*</.test(text)) {
    const raw = /<title[^>]*>([^<]{0,1024})/i.exec(text)?.[1];
    const title = raw === undefined ? undefined : cutText(raw, PREVIEW).text.trim();
    return new ProxmoxError(
      'INVALID_RESPONSE',
      `${where}: the server answered ${status} with an HTML page${title ? ` ("${title}")` : ''}, not with JSON, so this URL does not reach the Proxmox VE API directly. It probably points at a reverse proxy, a login portal or another web server: check clusters.${facts.cluster}.url (the API listens on https://<node>:8006).`,
      facts,
    );
  }
  if (/^\s*[[{]/.test(text)) {
    return new ProxmoxError(
      'INVALID_RESPONSE',
      `${where}: the answer (${status}, ${Buffer.byteLength(text)} bytes, starts with ${start}) is cut off or not valid JSON: it was truncated or mangled on the way, or the node sent a broken answer. Call again; if it persists, connect to a node directly on port 8006 rather than through a proxy.`,
      facts,
    );
  }
  return new ProxmoxError(
    'INVALID_RESPONSE',
    `${where}: the server answered ${status} but not with JSON (starts with ${start}); is this URL a Proxmox VE API (port 8006)?`,
    facts,
  );
}

export function abortedError(facts: RequestFacts): ProxmoxError {
  return new ProxmoxError(
    'ABORTED',
    `${facts.method} ${facts.path} on ${facts.cluster} was cancelled`,
    facts,
  );
}

function causeChain(err: unknown): Error[] {
  const out: Error[] = [];
  let cur: unknown = err;
  for (let i = 0; i < 8 && cur instanceof Error; i++) {
    out.push(cur);
    cur = (cur as { cause?: unknown }).cause;
  }
  return out;
}
