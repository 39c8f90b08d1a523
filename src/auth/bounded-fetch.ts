/**
 * Requests to the authorization server (metadata, keys, introspection) with a time limit, no
 * redirects and a cap on the answer's size: a slow, redirecting or enormous answer must not hold a
 * request or the process's memory. The answer is read into memory only up to the cap.
 */
export class AuthServerFetchError extends Error {
  constructor(
    readonly url: string,
    message: string,
  ) {
    super(`${url}: ${message}`);
    this.name = 'AuthServerFetchError';
  }
}

export interface BoundedFetchOptions {
  timeoutMs: number;
  maxBytes: number;
  init?: RequestInit;
}

/** Fetches `url` and parses its JSON body; throws AuthServerFetchError saying what went wrong. */
export async function fetchJson(url: string, opts: BoundedFetchOptions): Promise<unknown> {
  const response = await boundedFetch(url, opts);
  if (response.status !== 200)
    throw new AuthServerFetchError(url, `answered HTTP ${response.status}, expected 200`);
  try {
    return JSON.parse(await response.text()) as unknown;
  } catch (err) {
    if (err instanceof AuthServerFetchError) throw err;
    throw new AuthServerFetchError(url, 'the answer is not JSON');
  }
}

/**
 * A fetch whose Response body is already read (within the cap), so callers and jose's key-set
 * loader can consume it as usual.
 */
export async function boundedFetch(url: string, opts: BoundedFetchOptions): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      ...opts.init,
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why =
      e.name === 'TimeoutError'
        ? `no answer within ${opts.timeoutMs} ms`
        : (e.cause?.code ?? e.cause?.message ?? e.message);
    throw new AuthServerFetchError(url, `cannot fetch (${why})`);
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    throw new AuthServerFetchError(
      url,
      `answered with a redirect (HTTP ${response.status}); configure the final URL`,
    );
  }
  let body: Uint8Array;
  try {
    body = await readCapped(url, response, opts.maxBytes);
  } catch (err) {
    if (err instanceof AuthServerFetchError) throw err;
    throw new AuthServerFetchError(url, `the answer was cut off (${(err as Error).name})`);
  }
  return new Response(body.byteLength ? body : null, { status: response.status, headers: response.headers });
}

async function readCapped(url: string, response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new AuthServerFetchError(url, `the answer is larger than ${maxBytes} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new AuthServerFetchError(url, `the answer is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
