// Text shortening shared by describe and search: schema descriptions are written for the web
// viewer (paragraphs, examples); a model needs the first sentence.

/** First sentence of `text`, whitespace collapsed, at most `max` characters. */
export function oneLine(text: string | undefined, max = 120): string {
  if (!text) return '';
  const firstParagraph = text.split(/\n\s*\n/)[0] ?? '';
  const flat = firstParagraph.replace(/\s+/g, ' ').trim();
  // Cut at the first sentence end that is not an abbreviation-like "e.g." or a version "9.2".
  const sentence = /^.+?[.!?](?=\s+[A-Z(]|$)/.exec(flat)?.[0] ?? flat;
  return truncate(sentence, max);
}

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}
