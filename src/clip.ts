import { redactKnown } from './redact.js';

/** Longest client-supplied text quoted back in an error: a 1 MB key name must not become a 1 MB answer. */
export const MAX_QUOTED_CHARS = 300;

/**
 * The first `max` characters of `text`, redacted before the cut (a secret cut in two would no longer
 * match whole) and again after it, which masks a long piece of a secret left at the cut (redact.ts).
 */
export function cutText(text: string, max: number): { text: string; cut: boolean; length: number } {
  const clean = redactKnown(text);
  if (clean.length <= max) return { text: clean, cut: false, length: clean.length };
  return { text: redactKnown(clean.slice(0, max)), cut: true, length: clean.length };
}

/** At most `max` characters of `text`, saying how long it was when cut. Secrets never survive in part. */
export function clip(text: string, max = MAX_QUOTED_CHARS): string {
  const c = cutText(text, max);
  return c.cut ? `${c.text}… (${c.length} chars)` : c.text;
}
