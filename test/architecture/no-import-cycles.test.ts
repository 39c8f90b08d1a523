import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Imports run one way: a module that another builds on never imports it back, not even for a type
// (issue 18, item 6). Every relative import counts: static, type-only, re-exports and lazy import().

const SRC = resolve(import.meta.dirname, '../../src');

/**
 * Cycles known and owned elsewhere, each exactly as found (sorted modules). One that goes away must
 * leave this list too (the last test says so), so it never hides a new cycle.
 */
const KNOWN_CYCLES: string[][] = [];
const isKnown = (c: string[]): boolean => KNOWN_CYCLES.some((k) => k.join() === c.join());

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec).replace(/\.js$/, '');
  return [`${base}.ts`, join(base, 'index.ts')].find((f) => existsSync(f));
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const deps = info.importedFiles.flatMap((f) => resolveImport(file, f.fileName) ?? []);
    graph.set(relative(SRC, file), [...new Set(deps.map((d) => relative(SRC, d)))]);
  }
  return graph;
}

/** Strongly connected components of more than one module (or a module importing itself). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** One import of the cycle per module, so the message shows which line to move. */
function describeCycle(component: string[], graph: Map<string, string[]>): string {
  const members = new Set(component);
  return component
    .map((m) => `${m} -> ${(graph.get(m) ?? []).filter((d) => members.has(d)).join(', ')}`)
    .join('\n    ');
}

describe('src/ imports', () => {
  const graph = importGraph();
  const all = cycles(graph);

  it('finds the modules and their imports', () => {
    // Guards the walk itself: a parser that found nothing would report no cycles.
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('server.ts')).toContain('tools/run-tool.ts');
  });

  it('has no import cycles', () => {
    const failing = all.filter((c) => !isKnown(c));
    const shown = failing.map((c) => `  cycle of ${c.length}:\n    ${describeCycle(c, graph)}`);
    expect(
      shown,
      `Import cycles in src/ (let the lower module own the shared type or function):\n${shown.join('\n')}`,
    ).toEqual([]);
  });

  it('lists no known cycle that is gone', () => {
    const found = new Set(all.map((c) => c.join()));
    expect(KNOWN_CYCLES.filter((k) => !found.has(k.join()))).toEqual([]);
  });
});
