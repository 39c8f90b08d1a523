/**
 * Context economy for list answers: keep only `fields` of each row and the first `limit` rows, and
 * say what was left out. Non-list answers pass through untouched.
 */
export interface Shaped {
  data: unknown;
  /** Present when rows were cut: how many there were. */
  totalRows?: number;
}

export function shapeList(data: unknown, fields?: string[], limit?: number): Shaped {
  if (!Array.isArray(data)) return { data };
  let rows: unknown[] = data;
  if (fields?.length) {
    rows = rows.map((r) => {
      if (!r || typeof r !== 'object' || Array.isArray(r)) return r;
      const src = r as Record<string, unknown>;
      return Object.fromEntries(fields.filter((f) => Object.hasOwn(src, f)).map((f) => [f, src[f]]));
    });
  }
  if (limit !== undefined && rows.length > limit)
    return { data: rows.slice(0, limit), totalRows: rows.length };
  return { data: rows };
}
