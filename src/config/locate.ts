import { existsSync } from 'node:fs';
import path from 'node:path';
import type { cosmiconfig } from 'cosmiconfig';
import { ConfigError, jsonSyntaxProblem } from './errors.js';
import { defaultLoadersOf, fastJsonLoader } from './fast-json-loader.js';

export const SEARCH_PLACES = [
  'clusters.json',
  '.proxmox-mcprc',
  '.proxmox-mcprc.json',
  '.proxmox-mcprc.yaml',
  '.proxmox-mcprc.yml',
  'proxmox-mcp.config.json',
  'proxmox-mcp.config.yaml',
  'proxmox-mcp.config.mjs',
  'proxmox-mcp.config.js',
];

export interface LocateOptions {
  configFlag?: string;
  env: Record<string, string | undefined>;
  cwd: string;
  homedir: string;
}

export interface FoundConfig {
  filepath: string;
  config: unknown;
  /** How it was found, for `check` and error messages. */
  via: '--config' | 'PROXMOX_MCP_CONFIG' | 'working directory' | 'user config dir';
}

export function userConfigFile(env: Record<string, string | undefined>, homedir: string): string {
  const base = env.XDG_CONFIG_HOME || (env.APPDATA && process.platform === 'win32' ? env.APPDATA : '');
  return path.join(base || path.join(homedir, '.config'), 'proxmox-mcp', 'clusters.json');
}

/** Finds the config file in the documented order: --config > PROXMOX_MCP_CONFIG > cwd > user config dir. */
export async function locateConfig(opts: LocateOptions): Promise<FoundConfig | undefined> {
  // cosmiconfig (with its YAML parser) is loaded only when there is a file to read: the env-only
  // set-up (PROXMOX_URL) and every start-up's search of an empty directory skip ~200 KB of code.
  const explorer = async (): Promise<Explorer> => {
    const m = await import('cosmiconfig');
    return cosmiconfigOf(m)('proxmox-mcp', {
      searchPlaces: SEARCH_PLACES,
      searchStrategy: 'none',
      cache: false,
      loaders: { '.json': fastJsonLoader(defaultLoadersOf(m)) },
    });
  };
  const explicit = opts.configFlag
    ? { file: opts.configFlag, via: '--config' as const }
    : opts.env.PROXMOX_MCP_CONFIG
      ? { file: opts.env.PROXMOX_MCP_CONFIG, via: 'PROXMOX_MCP_CONFIG' as const }
      : undefined;
  if (explicit) {
    const file = path.resolve(opts.cwd, explicit.file);
    if (!existsSync(file)) {
      // A container image sets PROXMOX_MCP_CONFIG=/config/clusters.json for the common case; someone who
      // runs it with PROXMOX_URL/PROXMOX_TOKEN alone mounts no file and means the environment. An
      // explicit --config never falls back.
      if (explicit.via === 'PROXMOX_MCP_CONFIG' && opts.env.PROXMOX_URL?.trim()) return undefined;
      throw new ConfigError(`config file not found (given by ${explicit.via})`, file);
    }
    return { ...(await load(await explorer(), file)), via: explicit.via };
  }
  const candidates = SEARCH_PLACES.some((name) => existsSync(path.join(opts.cwd, name)));
  const found = candidates ? await search(await explorer(), opts.cwd) : undefined;
  if (found) return { ...found, via: 'working directory' };
  const userFile = userConfigFile(opts.env, opts.homedir);
  if (existsSync(userFile)) return { ...(await load(await explorer(), userFile)), via: 'user config dir' };
  return undefined;
}

/**
 * The file a search would find (working directory, then user config dir), without reading it: to
 * name a file that a complete environment configuration takes precedence over.
 */
export function searchedConfigFile(
  opts: LocateOptions,
): { filepath: string; via: 'working directory' | 'user config dir' } | undefined {
  const inCwd = SEARCH_PLACES.map((name) => path.join(opts.cwd, name)).find((f) => existsSync(f));
  if (inCwd) return { filepath: inCwd, via: 'working directory' };
  const userFile = userConfigFile(opts.env, opts.homedir);
  return existsSync(userFile) ? { filepath: userFile, via: 'user config dir' } : undefined;
}

type Explorer = ReturnType<typeof cosmiconfig>;

async function load(explorer: Explorer, file: string): Promise<{ filepath: string; config: unknown }> {
  try {
    const result = await explorer.load(file);
    if (!result || result.isEmpty) throw new ConfigError('the file is empty', file);
    return { filepath: result.filepath, config: result.config };
  } catch (err) {
    throw asConfigError(err, file);
  }
}

async function search(
  explorer: Explorer,
  cwd: string,
): Promise<{ filepath: string; config: unknown } | undefined> {
  try {
    const result = await explorer.search(cwd);
    if (!result) return undefined;
    if (result.isEmpty) throw new ConfigError('the file is empty', result.filepath);
    return { filepath: result.filepath, config: result.config };
  } catch (err) {
    throw asConfigError(err, cwd);
  }
}

export function asConfigError(err: unknown, fallbackFile: string): ConfigError {
  if (err instanceof ConfigError) return err;
  // cosmiconfig's code frame is coloured whenever the environment looks colour-capable (CI=true, a
  // terminal): the escapes would hide the frame's "> 3 |" marker and end up in the message.
  // eslint-disable-next-line no-control-regex
  const msg = (err instanceof Error ? err.message : String(err)).replace(/\u001b\[[0-9;]*m/g, '');
  // cosmiconfig: "JSON Error in /path/file: <code frame> <parser message>". Keep the file and the
  // parser's sentence; drop the code frame, which repeats the line.
  const m = /^(?:JSON|YAML|JS) Error in ([^:]+):\s*([\s\S]*)$/.exec(msg);
  const file = m?.[1] ?? fallbackFile;
  const detail = (m?.[2] ?? msg)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^[>|]/.test(l) && !/^\d+\s*\|/.test(l))[0];
  // Node's JSON.parse quotes the text around the error ("...\"token_secret\": 'abc..."), which may be
  // the secret itself: keep only the parser's verdict and the position.
  let cleaned = (detail ?? msg).replace(/ while parsing .*$/, '');
  if (/is not valid JSON/.test(cleaned)) {
    cleaned = 'not valid JSON (keys and strings need double quotes, and no trailing commas)';
  }
  return new ConfigError(jsonSyntaxProblem(msg, cleaned) ?? `cannot be read: ${cleaned}`, file);
}

/**
 * cosmiconfig is CommonJS: imported with `import()` from the bundle it arrives as
 * `{ default: module.exports }`, from the sources (vitest) with its named exports.
 */
function cosmiconfigOf(m: typeof import('cosmiconfig') & { default?: typeof import('cosmiconfig') }) {
  return m.cosmiconfig ?? m.default!.cosmiconfig;
}
