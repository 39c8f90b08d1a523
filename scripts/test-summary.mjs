// Prints vitest's JSON results as one plain closing line ("541 passed, 0 failed, 3 skipped") for CI
// logs, preceded by why tests were skipped: the reason each skipped suite or test carries in its title,
// "(skipped: …)", grouped, with where. A skip without a stated reason is listed as such, so it cannot
// hide.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function summarize(results) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const reasons = new Map();
  for (const r of results) {
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    for (const file of r.testResults ?? []) {
      for (const t of file.assertionResults ?? []) {
        if (!['pending', 'skipped', 'todo'].includes(t.status)) continue;
        const title = [...(t.ancestorTitles ?? []), t.title].join(' › ');
        const reason = /\(skipped: ([^)]*)\)/.exec(title)?.[1] ?? 'no reason given';
        const where = path.relative(process.cwd(), file.name);
        const entry = reasons.get(reason) ?? { count: 0, where: new Map() };
        entry.count++;
        entry.where.set(where, (entry.where.get(where) ?? 0) + 1);
        if (reason === 'no reason given') entry.where.set(`${where} › ${title}`, 0);
        reasons.set(reason, entry);
      }
    }
  }
  const lines = [];
  for (const [reason, { count, where }] of reasons) {
    const places = [...where.entries()]
      .filter(([w, n]) => n > 0 || w.includes(' › '))
      .map(([w, n]) => (n > 0 ? `${w} (${n})` : `  ${w}`));
    lines.push(`skipped ${count}: ${reason}: ${places.filter((p) => !p.startsWith('  ')).join(', ')}`);
    lines.push(...places.filter((p) => p.startsWith('  ')));
  }
  // The count line comes last: CI reads the closing line of the run.
  lines.push(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(summarize(process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, 'utf8')))));
}
