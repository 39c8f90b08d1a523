import { clip } from '../clip.js';

/**
 * The one place that decides what an API path means. Everything else (the client, the policy, the
 * schema lookup, prompts, audit, error advice) uses the segments this module returns, so what is
 * judged is what PVE routes and what is sent.
 *
 * How PVE reads a path (pve-http-server AnyEvent.pm, pve-common RESTHandler.pm):
 * 1. pveproxy unescapes the whole path ONCE (every %XX becomes its byte; "+" stays; %252F becomes
 *    the text "%2F"), then takes what follows /api2/json;
 * 2. find_handler splits that on /+ and drops empty fragments, so "//" and a trailing "/" vanish;
 * 3. each `{param}` level matches ONE fragment, except below a subclass mounted with
 *    fragmentDelimiter '' — in PVE only /nodes/{node}/storage/{storage}/content — where ALL remaining
 *    fragments are joined with "/" into one value (a volume id such as local:iso/x.iso).
 *
 * Our decisions, so that the path we judge is always the path PVE routes:
 * - decode once, split on "/", drop empty fragments (a literal "//" or trailing "/" is collapsed);
 * - an escaped slash (%2F, %2f) is refused unless it lies wholly inside the storage-content tail,
 *   where PVE joins fragments back with "/" anyway: "status%2Fstop" would be judged as one segment by
 *   anyone who reads the path as written, and as two by PVE. Refused rather than guessed;
 * - "%25XX" is judged as the literal text "%XX" PVE will see (it decodes once);
 * - invalid escapes and escapes that are not UTF-8 (overlong %C0%AF…) are refused;
 * - the path sent is rebuilt from the segments with canonical escaping, so decoding and splitting it
 *   the PVE way gives back exactly the judged segments (test/security/route-differential.test.ts).
 */
export class InvalidApiPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidApiPathError';
  }
}

export interface ApiPath {
  /** What will be sent after /api2/json: leading "/", canonical escaping, no empty segments. */
  readonly path: string;
  /** The fragments PVE routes on (decoded), the storage-content tail joined with "/" as PVE does. */
  readonly segments: readonly string[];
}

const SAFE_IN_SEGMENT = /[A-Za-z0-9\-._~:@!$&'()*+,;=]/;

/**
 * Mounts whose last level takes the rest of the path (fragmentDelimiter ''), as segment patterns;
 * `*` is one `{param}` fragment. The tail starts at the index equal to the pattern's length.
 */
const JOINED_TAIL_MOUNTS: ReadonlyArray<readonly string[]> = [['nodes', '*', 'storage', '*', 'content']];

/** Index where the joined tail starts for these (decoded, split) fragments, or undefined. */
export function joinedTailStart(fragments: readonly string[]): number | undefined {
  for (const mount of JOINED_TAIL_MOUNTS) {
    if (fragments.length <= mount.length) continue;
    if (mount.every((m, i) => m === '*' || m === fragments[i])) return mount.length;
  }
  return undefined;
}

/** PVE's routing fragments for fragments split on "/": the joined-tail mount's rest becomes one. */
export function routeSegments(fragments: readonly string[]): string[] {
  const parts = fragments.filter((f) => f !== '');
  const tail = joinedTailStart(parts);
  return tail === undefined ? parts : [...parts.slice(0, tail), parts.slice(tail).join('/')];
}

export function resolveApiPath(input: string): ApiPath {
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

  // Decode each piece between literal slashes on its own, to know where escaped slashes came from.
  const pieces: Array<{ raw: string; parts: string[] }> = [];
  for (const raw of path.split('/')) {
    if (raw === '') continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      throw new InvalidApiPathError(
        `segment "${clip(raw, 60)}" has invalid percent-encoding (write "%" as %25; escapes must be UTF-8)`,
      );
    }
    // eslint-disable-next-line no-control-regex
    if (/[\\\u0000-\u001f\u007f]/.test(decoded)) {
      throw new InvalidApiPathError(`segment "${clip(raw, 60)}" decodes to a control character or backslash`);
    }
    pieces.push({ raw, parts: decoded.split('/') });
  }
  let fragments = pieces.flatMap((p) => p.parts).filter((f) => f !== '');
  if (fragments.some((f) => f === '.' || f === '..'))
    throw new InvalidApiPathError('path traversal ("." or "..") is not allowed');

  // The /api2/json prefix is optional in what callers write; it is never part of the segments.
  let prefix = 0;
  if (fragments[0] === 'api2') {
    if (fragments[1] !== 'json') throw new InvalidApiPathError('only the /api2/json API is reachable');
    prefix = 2;
    fragments = fragments.slice(2);
    if (fragments[0] === 'api2') throw new InvalidApiPathError('only the /api2/json API is reachable');
  }

  const tail = joinedTailStart(fragments);
  let index = -prefix;
  for (const piece of pieces) {
    const count = piece.parts.filter((f) => f !== '').length;
    if (piece.parts.length > 1 && (tail === undefined || index < tail)) {
      throw new InvalidApiPathError(
        `segment "${clip(piece.raw, 60)}" holds an escaped "/" (%2F); PVE unescapes the path before routing, so write the path with plain slashes (only a storage volume id after …/content/ may contain one)`,
      );
    }
    index += count;
  }

  const segments = routeSegments(fragments);
  const encoded = segments.map((segment, i) =>
    i === tail ? segment.split('/').map(encodeSegment).join('%2F') : encodeSegment(segment),
  );
  return { path: '/' + encoded.join('/'), segments };
}

/**
 * Confines a caller-supplied API path to /api2/json/ on the configured host and returns it as it will
 * be sent (see resolveApiPath).
 */
export function normalizeApiPath(input: string): string {
  return resolveApiPath(input).path;
}

function encodeSegment(segment: string): string {
  return [...segment].map((c) => (SAFE_IN_SEGMENT.test(c) ? c : encodeURIComponent(c))).join('');
}
