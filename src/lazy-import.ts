/**
 * A CommonJS package imported with `import()` from the bundle arrives as `{ default: module.exports }`
 * (esbuild cannot see its named exports), while Node and vitest running the sources give the named
 * exports directly. `probe` is an export the caller needs; whichever shape has it is returned.
 */
export function commonJsExports<T extends object>(namespace: T, probe: keyof T): T {
  if (namespace[probe] !== undefined) return namespace;
  return (namespace as { default?: T }).default ?? namespace;
}
