/**
 * Stands in for `node:crypto` inside cosmiconfig (tsup.config.ts): cosmiconfig requires it at load only
 * to name the temporary file of a TypeScript config, which proxmox-mcp never searches for, and loading
 * crypto costs ~2.5 ms of every start-up that has a config file. The real module is fetched if used.
 */
export function randomUUID(): string {
  return process.getBuiltinModule('node:crypto').randomUUID();
}
