import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*['"]([^'"]+)['"]/g;

/**
 * Whether `entry` imports a module whose specifier starts with `prefix`, directly or through its
 * relative (or absolute) imports (a static look at the sources, a few milliseconds). The setup file uses it to load
 * the MCP SDK hooks only into test files that load the SDK anyway: importing it into every file
 * would add ~150 ms to each of the many that never touch it.
 */
export function reachesModule(entry: string, prefix: string): boolean {
  const seen = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const [, specifier] of source.matchAll(IMPORT)) {
      if (specifier!.startsWith(prefix)) return true;
      if (!specifier!.startsWith('.') && !path.isAbsolute(specifier!)) continue;
      const target = path.resolve(path.dirname(file), specifier!);
      const candidates = [
        target.replace(/\.js$/, '.ts'),
        target,
        `${target}.ts`,
        path.join(target, 'index.ts'),
      ];
      const found = candidates.find((c) => existsSync(c) && c.endsWith('.ts'));
      if (found) queue.push(found);
    }
  }
  return false;
}
