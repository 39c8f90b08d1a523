import { createHash, randomBytes } from 'node:crypto';

/**
 * The user's browser in the authorization step, reduced to what the test provider needs: follow its
 * redirects (login and consent happen without a page) carrying its cookies, until it sends the browser
 * off to the client's redirect_uri; that URL (with `code`, or `error`) is the result.
 */
export async function followAuthorization(authorizationUrl: URL | string, issuer: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = new URL(authorizationUrl);
  for (let hop = 0; hop < 20; hop++) {
    if (url.origin !== issuer) return url;
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair && eq > 0) jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const location = res.headers.get('location');
    if (!location) {
      throw new Error(`authorization stopped at ${url.pathname} with ${res.status}: ${await res.text()}`);
    }
    await res.body?.cancel();
    url = new URL(location, url);
  }
  throw new Error('authorization: too many redirects');
}

/** A PKCE verifier and its S256 challenge (RFC 7636). */
export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
