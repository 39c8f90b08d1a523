// "Did you mean" for unknown API paths. Paths are compared segment by segment with an edit
// distance over segments (so a missing or extra segment costs one step, not a whole mismatch), and
// each pair of segments by a cheap string similarity: `snapshots` vs `snapshot` is nearly equal,
// `qemu` vs `lxc` is not, and a `{var}` accepts any concrete value at a small cost.

const VAR = /^\{[^{}]+\}$/;

function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** 0..1: how well a concrete segment fits a template segment. */
export function segmentSimilarity(concrete: string, template: string): number {
  if (VAR.test(template)) return VAR.test(concrete) ? 1 : 0.75;
  const a = concrete.toLowerCase();
  const b = template.toLowerCase();
  if (a === b) return 1;
  if (a.replace(/s$/, '') === b.replace(/s$/, '')) return 0.9;
  const sim = 1 - levenshtein(a, b) / Math.max(a.length, b.length);
  // Unrelated words must not add up to a "match" just because both paths are long.
  return sim >= 0.5 ? sim : 0;
}

/** 0..1 similarity of two segment lists (1 = identical). */
export function pathSimilarity(concrete: readonly string[], template: readonly string[]): number {
  const n = concrete.length;
  const m = template.length;
  if (n === 0 && m === 0) return 1;
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  for (let i = 1; i <= n; i++) {
    const cur = [i];
    for (let j = 1; j <= m; j++) {
      const substitute = prev[j - 1]! + (1 - segmentSimilarity(concrete[i - 1]!, template[j - 1]!));
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, substitute);
    }
    prev = cur;
  }
  return 1 - prev[m]! / Math.max(n, m);
}

export function closestTemplates(
  concrete: readonly string[],
  templates: readonly string[],
  n: number,
): string[] {
  return templates
    .map((template) => {
      const segments = template.split('/').filter((s) => s !== '');
      return { template, score: pathSimilarity(concrete, segments), length: segments.length };
    })
    .filter((c) => c.score > 0)
    .sort(
      (x, y) =>
        y.score - x.score ||
        Math.abs(x.length - concrete.length) - Math.abs(y.length - concrete.length) ||
        x.template.localeCompare(y.template),
    )
    .slice(0, Math.max(0, n))
    .map((c) => c.template);
}
