import { shownValue } from '../proxmox/flat-params.js';
import { isSensitiveName, sensitiveAt } from './sensitive-params.js';

/**
 * A copy of `params` fit to show (audit lines, logs, confirmation questions): secret values become
 * "***" (sensitive-params.ts says which, by name and by the endpoint `path`), and anything that is
 * not a flat value becomes a short label instead of being walked (it is refused before sending, and
 * a structure thousands of levels deep would overflow any recursive copy).
 */
export function redactParams(params: Record<string, unknown>, path?: string): Record<string, unknown> {
  const atPath = path === undefined ? undefined : sensitiveAt(path);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    out[k] = isSensitiveName(k, atPath) ? '***' : shownValue(v);
  }
  return out;
}

/**
 * The values `redactParams` masks, as text, so that a message quoting one (PVE's "got '…'" type
 * errors, a proxy echoing the body) can be scrubbed too. Very short values would mask ordinary words.
 */
export function maskedValues(params: Record<string, unknown>, path?: string): string[] {
  const atPath = path === undefined ? undefined : sensitiveAt(path);
  const out: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (!isSensitiveName(k, atPath)) continue;
    for (const item of Array.isArray(v) ? v : [v]) {
      if (typeof item === 'string' || typeof item === 'number') {
        const text = String(item);
        if (text.length >= 4) out.push(text, encodeURIComponent(text));
      }
    }
  }
  return out.sort((a, b) => b.length - a.length);
}

/** `text` with every masked parameter value replaced by "***". */
export function scrubValues(text: string, values: readonly string[]): string {
  let out = text;
  for (const v of values) if (out.includes(v)) out = out.split(v).join('***');
  return out;
}
