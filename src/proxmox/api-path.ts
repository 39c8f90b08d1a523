import { clip } from '../clip.js';

/**
 * Confines a caller-supplied API path to /api2/json/ on the configured host. Everything a model (or a
 * prompt injected into it) could use to reach elsewhere is refused with a reason: full URLs,
 * traversal (also percent-encoded), query or fragment smuggling, CRLF and other control characters.
 * Returns the normalised path (leading '/', no /api2/json prefix, segments safely encoded).
 */
export class InvalidApiPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidApiPathError';
  }
}

const SAFE_IN_SEGMENT = /[A-Za-z0-9\-._~:@!$&'()*+,;=]/;

export function normalizeApiPath(input: string): string {
  if (typeof input !== 'string' || input.trim() === '')
    throw new InvalidApiPathError('path is empty; give an API path such as /nodes');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(input))
    throw new InvalidApiPathError('path contains control characters (CR, LF, NUL…)');
  // A lone UTF-16 surrogate has no UTF-8 form: encoding it would throw a bare "URI malformed".
  if (/\p{Cs}/u.test(input))
    throw new InvalidApiPathError('path contains invalid Unicode (a lone surrogate)');
  let path = input.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('//')) {
    throw new InvalidApiPathError(
      `give an API path such as /nodes/pve1/qemu, not a URL ("${clip(path, 60)}"); the host comes from the cluster config`,
    );
  }
  if (path.includes('\\')) throw new InvalidApiPathError('path contains a backslash');
  if (path.includes('?') || path.includes('#')) {
    throw new InvalidApiPathError(
      'path contains "?" or "#"; pass query parameters in `data`, not in the path',
    );
  }
  if (!path.startsWith('/')) path = '/' + path;
  path = path.replace(/^\/api2\/json(?=\/|$)/, '');
  if (path.startsWith('/api2/')) throw new InvalidApiPathError('only the /api2/json API is reachable');
  const segments = path.split('/').slice(1);
  if (segments.length && segments[segments.length - 1] === '') segments.pop();
  const out: string[] = [];
  for (const raw of segments) {
    if (raw === '') throw new InvalidApiPathError('path contains an empty segment ("//")');
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      throw new InvalidApiPathError(`segment "${clip(raw, 60)}" has invalid percent-encoding`);
    }
    // A volume id such as local:iso/x.iso is one segment with an encoded "/"; it stays encoded, but
    // none of its parts may be "." or "..", so the server cannot be steered into traversal either.
    if (decoded.split('/').some((part) => part === '..' || part === '.')) {
      throw new InvalidApiPathError('path traversal ("." or "..") is not allowed');
    }
    // eslint-disable-next-line no-control-regex
    if (/[\\\u0000-\u001f\u007f]/.test(decoded)) {
      throw new InvalidApiPathError(`segment "${clip(raw, 60)}" decodes to a control character or backslash`);
    }
    out.push([...decoded].map((c) => (SAFE_IN_SEGMENT.test(c) ? c : encodeURIComponent(c))).join(''));
  }
  return '/' + out.join('/');
}
