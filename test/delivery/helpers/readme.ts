import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../helpers/cli.js';

/** The README's "Install and deploy" section (up to the next level-2 heading). */
export function installSection(): string {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Install and deploy\n');
  if (start < 0) throw new Error('README.md has no "## Install and deploy" section');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The fenced code blocks of a Markdown text, with their info string. */
export function codeBlocks(markdown: string): Array<{ lang: string; code: string }> {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, code: m[2]! }));
}
