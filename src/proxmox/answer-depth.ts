/**
 * How deep an answer may nest. Real PVE answers nest a handful of levels (the deepest recorded sample,
 * a guest agent's network list, is 6); JSON.parse takes millions, but everything after it that walks
 * the value (JSON.stringify for the tool result and the wire, rendering, redaction) recurses and
 * overflows the stack a few thousand levels down. Refusing at the client boundary keeps every later
 * walker bounded without each having to be rewritten.
 */
export const MAX_ANSWER_DEPTH = 64;

/** True when `value` nests deeper than `max` arrays/objects. Iterative: safe on any depth. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
