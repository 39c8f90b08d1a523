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
