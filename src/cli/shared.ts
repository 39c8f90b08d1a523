import os from 'node:os';
import { defaultCacheDir } from '../schema/index.js';
import type { LogLevel } from '../logger.js';
import {
  CONFIRMATION_MODES,
  type ConfirmationMode,
  type ConfirmationSetting,
  type LoadedConfig,
} from '../config/types.js';
import type { RuntimeOptions } from '../runtime.js';
import type { LoadConfigOptions } from '../config/load.js';
import { toolCatalog } from '../tools/catalog.js';

/**
 * What every command of the CLI layer shares: the process environment, exit codes, and the
 * runtime settings resolved from flags and environment in one place (option parsers: option-parsers.ts).
 * Only the CLI layer (src/cli.ts and src/cli/) touches \`process\`.
 */
export const EXIT_USAGE = 2;
export const EXIT_CONFIG = 78;

export const env = process.env;
export const stderr = (s: string) => void process.stderr.write(s);

export interface CommonOptions {
  config?: string;
  readOnly?: boolean;
  tools?: string;
  /** --confirmation client-approval|strict */
  confirmation?: string;
}

export function readOnlySource(opts: CommonOptions): string | undefined {
  if (opts.readOnly) return '--read-only';
  if (/^(1|true|yes|on)$/i.test(env.PROXMOX_MCP_READ_ONLY ?? ''))
    return `PROXMOX_MCP_READ_ONLY=${env.PROXMOX_MCP_READ_ONLY}`;
  return undefined;
}

/**
 * --confirmation beats PROXMOX_MCP_CONFIRMATION, which beats clusters.json (every cluster's and the
 * top-level key): the same order as read-only. A misspelt value is an error, never the default.
 */
export function confirmationOverride(opts: { confirmation?: string }): ConfirmationSetting | undefined {
  const [value, source] = opts.confirmation
    ? [opts.confirmation, '--confirmation']
    : env.PROXMOX_MCP_CONFIRMATION?.trim()
      ? [env.PROXMOX_MCP_CONFIRMATION.trim(), 'PROXMOX_MCP_CONFIRMATION']
      : [undefined, ''];
  if (value === undefined) return undefined;
  if (!(CONFIRMATION_MODES as readonly string[]).includes(value))
    throw new UsageError(
      `${source}: "${value}" is not a confirmation mode; use client-approval (clients without elicitation: their own approval is the check; the default) or strict (refuse)`,
    );
  return {
    mode: value as ConfirmationMode,
    source: source === '--confirmation' ? `--confirmation ${value}` : `${source}=${value}`,
  };
}

/** The configuration with a --confirmation / PROXMOX_MCP_CONFIRMATION override applied to every cluster. */
export function withConfirmation(loaded: LoadedConfig, opts: { confirmation?: string }): LoadedConfig {
  const override = confirmationOverride(opts);
  if (!override) return loaded;
  return { ...loaded, clusters: loaded.clusters.map((c) => ({ ...c, confirmation: override })) };
}

export function enabledTools(opts: CommonOptions): string[] | undefined {
  const raw = opts.tools ?? env.PROXMOX_MCP_TOOLS;
  if (!raw?.trim()) return undefined;
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const valid = toolCatalog.map((t) => t.name);
  const unknown = names.filter((n) => !valid.includes(n));
  if (unknown.length) {
    throw new UsageError(
      `unknown tool${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} in ${opts.tools ? '--tools' : 'PROXMOX_MCP_TOOLS'}; valid tools: ${valid.join(', ')}`,
    );
  }
  return names;
}

export class UsageError extends Error {}

/** Where every command looks for the configuration: --config, the environment, here, then home. */
export function configSearch(opts: { config?: string }): LoadConfigOptions {
  return { configFlag: opts.config, env, cwd: process.cwd(), homedir: os.homedir() };
}

/** Runtime settings every serving command shares: flags and environment resolved in one place. */
export function runtimeOptions(opts: CommonOptions, extraSecrets: string[] = []): RuntimeOptions {
  return {
    readOnlySource: readOnlySource(opts),
    logLevel: (env.LOG_LEVEL as LogLevel | undefined) ?? 'info',
    logFormat: env.LOG_FORMAT === 'json' ? 'json' : 'text',
    writeLog: stderr,
    schemaCacheDir: env.PROXMOX_MCP_CACHE_DIR || defaultCacheDir(env, os.homedir()),
    extraSecrets,
  };
}
