/**
 * undici is about a third of the bundle and a fifth of start-up time; a stdio session does not need
 * it until its first Proxmox request, so it is imported on first use (once; the promise is shared).
 * The first request pays ~30 ms for it, once per process.
 */
import { commonJsExports } from '../lazy-import.js';

let loading: Promise<typeof import('undici')> | undefined;

export function loadUndici(): Promise<typeof import('undici')> {
  loading ??= import('undici').then((m) => commonJsExports(m, 'Agent'));
  return loading;
}
