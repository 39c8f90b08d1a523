import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../helpers/cli.js';

/** Whether the code under src/ mentions `name` (an environment variable it reads, say). */
export function sourceMentions(name: string): boolean {
  sourceText ??= readTree(path.join(repoRoot, 'src'));
  return sourceText.includes(name);
}

let sourceText: string | undefined;

function readTree(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => readFileSync(path.join(e.parentPath, e.name), 'utf8'))
    .join('\n');
}
