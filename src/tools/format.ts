/** Compact renderings for the text half of a tool result: small, aligned, no JSON noise. */

export function formatBytes(n: unknown): string {
  const v = Number(n);
  if (!Number.isFinite(v)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  let x = v;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${x >= 100 || i === 0 ? Math.round(x) : x.toFixed(1)} ${units[i]}`;
}

export function formatPercent(fraction: unknown): string {
  const v = Number(fraction);
  return Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '-';
}

export function formatDuration(seconds: unknown): string {
  const s = Math.floor(Number(seconds));
  if (!Number.isFinite(s) || s <= 0) return '-';
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  return m ? `${m}m` : `${s}s`;
}

export function usage(used: unknown, total: unknown): string {
  if (total === undefined || total === null || Number(total) === 0) return '-';
  return `${formatBytes(used)}/${formatBytes(total)}`;
}

/** Left-aligned columns separated by two spaces; headers in upper case. */
export function table(headers: string[], rows: Array<Array<string | number | undefined>>): string {
  const cells = [
    headers.map((h) => h.toUpperCase()),
    ...rows.map((r) => r.map((c) => (c === undefined || c === '' ? '-' : String(c)))),
  ];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
