import { ApiError } from './errors.js';
import type { RawValue } from './validate.js';

/**
 * Turning the raw request into parameters the way pve-http-server does (AnyEvent.pm extract_params,
 * decode_urlencoded): query string and form bodies are urlencoded, repeated keys become arrays, JSON bodies
 * must be an object. Nothing here throws on odd input except a refused JSON body.
 */

/** uri_unescape, lenient: malformed escapes stay as they are; invalid UTF-8 is read as Latin-1. */
export function uriUnescape(text: string): string {
  return text.replace(/(%[0-9a-fA-F]{2})+/g, (seq) => {
    try {
      return decodeURIComponent(seq);
    } catch {
      return Buffer.from(seq.replace(/%/g, ''), 'hex').toString('latin1');
    }
  });
}

export function parseUrlEncoded(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = uriUnescape((eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
    const value = eq < 0 ? '' : uriUnescape(pair.slice(eq + 1).replace(/\+/g, ' '));
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

export type BodyKind = 'form' | 'json';

/** Which decoder a POST/PUT body gets; anything else is an "upload" PVE does not implement here (506). */
export function bodyKind(contentType: string | undefined): BodyKind {
  const mime = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mime === '' || mime === 'application/x-www-form-urlencoded') return 'form';
  if (mime === 'application/json') return 'json';
  throw new ApiError(506, `upload 'Content-Type '${contentType ?? ''}' not implemented`);
}

export function parseBody(kind: BodyKind, text: string): Record<string, RawValue> {
  if (text.trim() === '') return {};
  if (kind === 'form') return parseUrlEncoded(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, `failed to decode JSON body - ${(err as Error).message}\n`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError(400, 'failed to decode JSON body - not a JSON object\n');
  }
  return value as Record<string, RawValue>;
}
