import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot, sharedExists, sharedPve } from './helpers.js';

// The simulator ships in our MIT package (`proxmox-mcp demo`). PVE's API schema is Proxmox's AGPL
// writing: the simulator may keep its facts (names, types, limits, enums, defaults, permission
// checks) but not its prose. This fails when a string in src/simulator is a piece of that prose, as
// job-specs.ts was when it was generated from apidoc.json.

const MIN_LENGTH = 40;
/** A whole PVE text this long, pasted alone, is copied prose too ('Get virtual machine status.'). */
const MIN_WHOLE = 20;
const PROSE_KEYS = new Set(['description', 'verbose_description', 'typetext', 'format_description', 'title']);
const SCHEMA_FILES = ['apidoc.json', 'apidoc-pve9.1-official.json', 'apidoc-pve8.4-official.json'];

function collectProse(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) collectProse(v, out);
  else if (value !== null && typeof value === 'object')
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === 'string' && PROSE_KEYS.has(key)) out.add(v);
      else collectProse(v, out);
    }
}

/** Every string in a TS/JS source: literals and the fixed parts of template literals. */
function stringsOf(fileName: string, source: string): Array<{ line: number; text: string }> {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: Array<{ line: number; text: string }> = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    )
      found.push({ line: file.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.text });
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** The strings of `source` that are PVE prose: a long piece of any text, or a whole shorter one. */
function copiedProse(fileName: string, source: string, prose: ReadonlySet<string>, joined: string): string[] {
  return stringsOf(fileName, source)
    .filter(
      ({ text }) =>
        (text.length >= MIN_LENGTH && joined.includes(text)) ||
        (text.trim().length >= MIN_WHOLE && prose.has(text)),
    )
    .map(({ line, text }) => `${fileName}:${line}: ${JSON.stringify(text.slice(0, 100))}`);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.(ts|mts|js|mjs)$/.test(e.name) ? [full] : [];
  });
}

describe.skipIf(!sharedExists)(
  'no Proxmox schema prose in the simulator (skipped: ../shared/pve, the PVE schemas, not present)',
  () => {
    const prose = new Set<string>();
    const load = () => {
      if (prose.size === 0)
        for (const name of SCHEMA_FILES)
          collectProse(JSON.parse(readFileSync(path.join(sharedPve, name), 'utf8')), prose);
      return { prose, joined: [...prose].join('\u0000') };
    };

    it('src/simulator holds no string that is a piece of a PVE description, typetext or title', () => {
      const { joined } = load();
      const root = path.join(repoRoot, 'src/simulator');
      const files = sourceFiles(root);
      expect(files.length).toBeGreaterThan(40);
      const hits = files.flatMap((f) =>
        copiedProse(path.relative(repoRoot, f), readFileSync(f, 'utf8'), prose, joined),
      );
      expect(hits, hits.join('\n')).toEqual([]);
    });

    it('would catch a pasted description, long or short, and a piece of one in a template literal', () => {
      const { joined } = load();
      const long = [...prose].find((t) => t.length >= 120 && !t.includes('`') && !t.includes('\\'));
      const short = [...prose].find((t) => t.length >= 22 && t.length < 30 && /^[A-Z][a-z ]+\.$/.test(t));
      expect(long).toBeDefined();
      expect(short).toBeDefined();
      const piece = (long ?? '').slice(10, 10 + MIN_LENGTH);
      const source = [
        `export const a = { description: ${JSON.stringify(long)} };`,
        `export const b = { description: ${JSON.stringify(short)} };`,
        `export const c = (x: string) => \`\${x}${piece}\${x}\`;`,
        `export const d = 'An own sentence about what this route does.';`,
      ].join('\n');
      expect(copiedProse('pasted.ts', source, prose, joined).map((h) => h.split(':')[1])).toEqual([
        '1',
        '2',
        '3',
      ]);
    });
  },
);
