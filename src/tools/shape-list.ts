/**
 * Context economy for list answers: keep only `fields` of each row and the first `limit` rows, and
 * say what was left out. An object answer (a node's status, a config) keeps only `fields` of its keys,
 * so asking /nodes/{node}/status for rootfs does not bring the CPU flag list along; other answers pass
 * through untouched.
 */
export interface Shaped {
  data: unknown;
  /** Present when rows were cut: how many there were. */
  totalRows?: number;
}

export function shapeList(data: unknown, fields?: string[], limit?: number): Shaped {
  if (!Array.isArray(data)) return { data: fields?.length ? pickKeys(data, fields) : data };
  let rows: unknown[] = data;
  if (fields?.length) rows = rows.map((r) => pickKeys(r, fields));
  if (limit !== undefined && rows.length > limit)
    return { data: rows.slice(0, limit), totalRows: rows.length };
  return { data: rows };
}

/**
 * The object with only these keys; anything else (a string, a list, null) as it is, and an object that
 * has none of them too (fields meant for some other answer should not make this one empty).
 */
function pickKeys(value: unknown, fields: string[]): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const src = value as Record<string, unknown>;
  if (!fields.some((f) => Object.hasOwn(src, f))) return value;
  return Object.fromEntries(fields.filter((f) => Object.hasOwn(src, f)).map((f) => [f, src[f]]));
}
