/** Longest client-supplied text quoted back in an error: a 1 MB key name must not become a 1 MB answer. */
export const MAX_QUOTED_CHARS = 300;

/** At most `max` characters of `text`, saying how long it was when cut. */
export function clip(text: string, max = MAX_QUOTED_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}
