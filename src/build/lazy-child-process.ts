import type { spawn as Spawn } from 'node:child_process';

/**
 * Stands in for `node:child_process` inside commander (tsup.config.ts): commander requires it at load
 * for executable subcommands, which proxmox-mcp does not have, and loading it costs every start-up
 * ~1.3 ms (child_process, dgram, net internals). The real module is fetched if spawn is ever called.
 */
export const spawn: typeof Spawn = ((...args: Parameters<typeof Spawn>) =>
  process.getBuiltinModule('node:child_process').spawn(...args)) as typeof Spawn;
