// Types for cached-install.mjs (plain JavaScript so the bench runs it with node, no build step).

export interface CachedInstall {
  /** node_modules/.cache/<name>: its node_modules holds the installed packages. */
  dir: string;
  /** Time spent, the npm ci included when there was one. */
  installMs: number;
}

/** npm ci of `source`'s package.json + package-lock.json into node_modules/.cache/`name`, once per lockfile. */
export function cachedInstall(source: string, name: string, label: string): CachedInstall;
