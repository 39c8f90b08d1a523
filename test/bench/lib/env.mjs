// The environment every child of the bench starts with. MCP clients start a server with a small
// environment (PATH, HOME, what the config names); a developer's shell may carry NODE_OPTIONS or
// NODE_EXTRA_CA_CERTS, which make every Node start slower (~35 ms for a CA bundle here) and would
// flatter or skew the ratios. So: explicit and minimal, unless a row says it measures the machine's.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The bench's own cache home, so the schema cache is what each figure says (cold or warm). */
let cacheHome;
export function benchCacheHome() {
  cacheHome ??= mkdtempSync(path.join(os.tmpdir(), 'pmcp-bench-cache-'));
  return cacheHome;
}

/** PATH, HOME and the server's own variables; nothing else. */
export function cleanEnv(extra = {}) {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? os.homedir(),
    // The config is found in the working directory (lib/config.mjs), never elsewhere.
    PROXMOX_MCP_CONFIG: '',
    XDG_CACHE_HOME: benchCacheHome(),
    ...extra,
  };
}

/**
 * The machine's environment as the bench was started with it (run.mjs hands it down in a variable,
 * since the suite itself runs with a clean one), plus the server's own variables.
 */
export function machineEnv(extra = {}) {
  const inherited = process.env.PMCP_BENCH_MACHINE_ENV
    ? JSON.parse(process.env.PMCP_BENCH_MACHINE_ENV)
    : { ...process.env };
  delete inherited.PMCP_BENCH_MACHINE_ENV;
  return { ...inherited, PROXMOX_MCP_CONFIG: '', XDG_CACHE_HOME: benchCacheHome(), ...extra };
}

/** Which variables of the machine's environment change how Node starts, for the row's label. */
export function machineEnvNotes() {
  const env = machineEnv();
  return ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS', 'NODE_COMPILE_CACHE', 'NODE_V8_COVERAGE']
    .filter((k) => env[k])
    .join(', ');
}
