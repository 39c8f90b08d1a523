import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { ApiTreeNode } from './types.js';

/** Where the schema store and its disk cache say what they did (the server's logger fits). */
export interface SchemaLogger {
  debug?: (message: string) => void;
  warn?: (message: string) => void;
}

let tmpCounter = 0;

// On-disk schema cache: one JSON file per host and PVE version, written atomically (temp file +
// rename) so a crash or a second server process never leaves a half-written file that the next
// start would trust. Anything unreadable is treated as absent and overwritten by the next download.

const FORMAT = 1;

/** `$XDG_CACHE_HOME/proxmox-mcp`, else `~/.cache/proxmox-mcp`. Pure: the caller passes env and home. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>, homedir: string): string {
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec says relative values are invalid and must be ignored.
  if (xdg && isAbsolute(xdg)) return join(xdg, 'proxmox-mcp');
  return join(homedir, '.cache', 'proxmox-mcp');
}

// Hosts may carry a port or IPv6 brackets; keep the name portable (no ':' on Windows) and make
// `@` the unambiguous host/version separator (it cannot occur in a sanitized host).
const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_');
const prefixFor = (host: string): string => `apidoc_${safe(host)}@`;

export function cacheFileName(dir: string, host: string, version: string): string {
  return join(dir, `${prefixFor(host)}${safe(version)}.json`);
}

interface CacheFile {
  format: number;
  host: string;
  version: string;
  savedAt?: string;
  tree: ApiTreeNode[];
}

export async function readCachedTree(
  file: string,
  host: string,
  version: string,
  logger?: SchemaLogger,
): Promise<ApiTreeNode[] | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined; // not cached yet
  }
  try {
    const data = JSON.parse(text) as Partial<CacheFile>;
    const valid =
      data.format === FORMAT &&
      data.host === host &&
      data.version === version &&
      Array.isArray(data.tree) &&
      data.tree.every((n) => typeof n === 'object' && n !== null && typeof n.path === 'string');
    if (valid) return data.tree;
    logger?.warn?.(`ignoring schema cache ${file}: unexpected content`);
  } catch (err) {
    logger?.warn?.(`ignoring corrupt schema cache ${file}: ${(err as Error).message}`);
  }
  return undefined;
}

export async function writeCachedTree(
  file: string,
  entry: { host: string; version: string; tree: ApiTreeNode[] },
): Promise<void> {
  const dir = join(file, '..');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Unique per process and write (not secret): node:crypto stays unloaded at start-up.
  const tmp = `${file}.${process.pid}.${(tmpCounter++).toString(36)}.${Date.now().toString(36)}.tmp`;
  const body: CacheFile = { format: FORMAT, ...entry, savedAt: new Date().toISOString() };
  try {
    await writeFile(tmp, JSON.stringify(body), { mode: 0o600 });
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** Best effort: drop this host's files for other versions once a newer one is saved. */
export async function removeOtherVersions(dir: string, host: string, keepVersion: string): Promise<void> {
  const prefix = prefixFor(host);
  const keep = cacheFileName(dir, host, keepVersion);
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((n) => n.startsWith(prefix) && n.endsWith('.json') && join(dir, n) !== keep)
      .map((n) => unlink(join(dir, n)).catch(() => undefined)),
  );
}
