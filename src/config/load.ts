import path from 'node:path';
import { ConfigError } from './errors.js';
import { locateConfig, searchedConfigFile, userConfigFile, SEARCH_PLACES } from './locate.js';
import type { ClusterConfig, LoadedConfig } from './types.js';
import { clusterFromEnv } from './from-env.js';
import { tokenWithoutUrl } from './env-hints.js';
import { resolveConfigFile } from './resolve-file.js';

// Callers that hold a parsed file (check-config, tests) resolve it the same way loadConfig does.
export { resolveConfigFile };

export interface LoadConfigOptions {
  configFlag?: string;
  env: Record<string, string | undefined>;
  cwd: string;
  homedir: string;
}

/** Finds, validates and resolves the configuration. Throws ConfigError for anything the user must fix. */
export async function loadConfig(opts: LoadConfigOptions): Promise<LoadedConfig> {
  // PROXMOX_MCP_AUDIT_LOG beats the file's audit_log (env > file), and works without a file.
  const auditEnv = opts.env.PROXMOX_MCP_AUDIT_LOG?.trim();
  const auditLog = auditEnv ? { auditLog: path.resolve(opts.cwd, auditEnv) } : {};
  const env = envCluster(opts.env);
  const explicit = opts.configFlag
    ? '--config'
    : opts.env.PROXMOX_MCP_CONFIG
      ? 'PROXMOX_MCP_CONFIG'
      : undefined;
  // Precedence: an explicit file (--config, PROXMOX_MCP_CONFIG) > a complete environment > a file
  // found by search. The environment is set for this server in the client's own entry; a file in the
  // working directory may belong to whatever project the client was started in.
  if (env.cluster && !explicit) {
    const ignored = searchedConfigFile(opts);
    return {
      source: 'environment',
      defaultCluster: env.cluster.name,
      clusters: [env.cluster],
      ...auditLog,
      ...(ignored
        ? {
            configChoice: `using the PROXMOX_URL/PROXMOX_TOKEN environment, which is complete; ignoring ${ignored.filepath} (found in the ${ignored.via}): a complete environment wins over a file found by search. To use the file, unset PROXMOX_URL or pass --config ${ignored.filepath}.`,
          }
        : {}),
    };
  }
  let found: Awaited<ReturnType<typeof locateConfig>>;
  let resolved: LoadedConfig | undefined;
  try {
    found = await locateConfig(opts);
    if (found) resolved = resolveConfigFile(found.config, found.filepath, opts.env);
  } catch (err) {
    // An explicit file never falls back silently, but the message says the environment would do.
    if (err instanceof ConfigError && env.cluster && explicit) {
      throw new ConfigError(
        `${err.message}\nThe PROXMOX_URL/PROXMOX_TOKEN environment is complete, but ${explicit} names a file, and an explicit file wins. To use the environment instead, drop ${explicit}.`,
      );
    }
    throw err;
  }
  if (!found) {
    const fromEnv = clusterFromEnv(opts.env);
    if (fromEnv)
      return { source: 'environment', defaultCluster: fromEnv.name, clusters: [fromEnv], ...auditLog };
    const partial = tokenWithoutUrl(opts.env);
    if (partial) throw partial;
    throw new ConfigError(
      [
        'no Proxmox cluster is configured.',
        `Create clusters.json (run \`proxmox-mcp init\`), or point to one with --config / PROXMOX_MCP_CONFIG,`,
        `or set PROXMOX_URL and PROXMOX_TOKEN (user@realm!tokenid=secret) for a single cluster.`,
        `Searched: ${SEARCH_PLACES.join(', ')} in ${opts.cwd}, then ${userConfigFile(opts.env, opts.homedir)}.`,
        'To try it without a Proxmox, run `proxmox-mcp demo`.',
      ].join('\n'),
    );
  }
  const choice = env.cluster
    ? `using ${found.filepath} (given by ${found.via}); the complete PROXMOX_URL/PROXMOX_TOKEN environment is ignored: an explicit file wins.`
    : env.problem
      ? `using ${found.filepath} (found in the ${found.via}); PROXMOX_URL is set but the environment is incomplete (${env.problem}), so it is ignored.`
      : undefined;
  return { ...resolved!, via: found.via, ...auditLog, ...(choice ? { configChoice: choice } : {}) };
}

/** The single cluster of a complete environment, or why PROXMOX_URL alone does not make one. */
function envCluster(env: Record<string, string | undefined>): { cluster?: ClusterConfig; problem?: string } {
  try {
    const cluster = clusterFromEnv(env);
    return cluster ? { cluster } : {};
  } catch (err) {
    if (err instanceof ConfigError) return { problem: err.message };
    throw err;
  }
}
