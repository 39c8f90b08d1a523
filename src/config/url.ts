import { DEFAULT_PORT } from './types.js';

export interface NormalizedUrl {
  origin: string;
  host: string;
  port: number;
}

/**
 * Accepts what people paste: `pve1`, `pve1:8006`, `https://pve1:8006`, `https://pve1:8006/`, even the
 * GUI address `https://pve1:8006/#v1:0:...`. Returns the origin; throws a plain Error whose message
 * says what is wrong (the caller adds the key path).
 */
export function normalizeUrl(input: string): NormalizedUrl {
  const raw = input.trim();
  if (!raw) throw new Error('is empty; expected host, host:port or https://host:port');
  if (/^http:\/\//i.test(raw)) {
    throw new Error(`uses http://; Proxmox VE serves its API over https only (use https://${raw.slice(7)})`);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) && !/^https:\/\//i.test(raw)) {
    throw new Error(`has an unsupported scheme in "${raw}"; expected https://host:port`);
  }
  const withScheme = /^https:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`"${raw}" is not a valid host or URL; expected host, host:port or https://host:port`);
  }
  if (url.username || url.password)
    throw new Error('must not contain credentials; use user/token_id/token_secret');
  const path = url.pathname.replace(/\/+$/, '');
  if (path && path !== '/api2/json') {
    throw new Error(`has a path ("${url.pathname}"); give only the host and port, e.g. https://${url.host}`);
  }
  if (url.search) throw new Error('must not contain a query string');
  // URL drops a port equal to the scheme default (443), so read an explicit port from the text.
  const explicit = /^https:\/\/(?:\[[^\]]*\]|[^/:?#]*)(?::(\d+))?/i.exec(withScheme)?.[1];
  const port = explicit ? Number(explicit) : DEFAULT_PORT;
  if (!(port >= 1 && port <= 65535)) throw new Error(`has an invalid port ${explicit}`);
  const host = url.hostname;
  return { origin: `https://${url.hostname}:${port}`, host, port };
}
