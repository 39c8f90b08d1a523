import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderToolsDoc } from '../../src/commands/tools-doc.js';
import { allTools } from '../../src/tools/index.js';
import { repoRoot } from '../helpers/cli.js';

describe('README', () => {
  it('has the tool table generated from the registry (npm run docs regenerates it)', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const m = /<!-- tools:start[^>]*-->\n([\s\S]*?)<!-- tools:end -->/.exec(readme);
    expect(m, 'tools:start/tools:end markers').not.toBeNull();
    expect(m![1]).toBe(renderToolsDoc(allTools, 'markdown'));
  });

  it('gives the same test command that CI runs', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const ci = readFileSync(path.join(repoRoot, '.ci/run'), 'utf8');
    expect(readme).toContain('npm test');
    expect(ci).toMatch(/^npm test$/m);
    expect(ci).toMatch(/^npm ci\b/m);
  });
});
