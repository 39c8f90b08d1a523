import { editDistance } from '../edit-distance.js';

/**
 * A configuration problem the user must fix. The CLI prints it and exits 78 (EX_CONFIG).
 * `keyPath` is the exact place in the file (`clusters.prod.token_secret`), so the message can say
 * where to look.
 */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    message: string,
    readonly source?: string,
    readonly keyPath?: string,
  ) {
    super([source ? `${source}: ` : '', keyPath ? `${keyPath}: ` : '', message].join(''));
    this.name = 'ConfigError';
  }
}

/**
 * A JSON syntax error as a person wants it: line, column and the line itself, read from the code frame
 * cosmiconfig puts in its message ("> 3 | …" and a caret line under it). The line is shown with the
 * value of every secret-like key masked: the error is often right next to the secret (a missing quote).
 */
export function jsonSyntaxProblem(rawMessage: string, verdict: string): string | undefined {
  // YAML and JS config files have their own parsers and messages: left as they are.
  if (!rawMessage.startsWith('JSON Error')) return undefined;
  const lines = rawMessage.split('\n');
  const at = lines.findIndex((l) => /^>\s*\d+\s*\|/.test(l));
  if (at < 0) return undefined;
  const m = /^>\s*(\d+)\s*\|\s?(.*)$/.exec(lines[at]!)!;
  const caret = /^(\s*\|\s?)(\s*)\^/.exec(lines[at + 1] ?? '');
  const column = caret ? caret[2]!.length + 1 : undefined;
  const verdictOnly = verdict.replace(/ in JSON at position \d+.*$/, '');
  return [
    `not valid JSON at line ${m[1]}${column ? `, column ${column}` : ''}: ${verdictOnly}`,
    `  ${m[1]} | ${maskSecretValues(m[2]!)}`,
  ].join('\n');
}

/** `"token_secret": "abc…"` → `"token_secret": "***"`, also when the string is not closed. */
export function maskSecretValues(line: string): string {
  return line.replace(
    /((["']?)[\w.-]*(?:secret|pass|key)[\w.-]*\2\s*:\s*)("(?:[^"\\]|\\.)*"?|'[^']*'?|[^,}\s]+)/gi,
    (_all, head: string, _q: string, value: string) =>
      `${head}${value.startsWith('"') ? '"***"' : value.startsWith("'") ? "'***'" : '***'}`,
  );
}

/** The closest known key, for "did you mean": `tokenid` → `token_id`, `verify_sll` → `verify_ssl`. */
export function closestKey(word: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  let best: { key: string; d: number } | undefined;
  for (const key of known) {
    const d = norm(word) === norm(key) ? 0 : editDistance(word.toLowerCase(), key);
    if (!best || d < best.d) best = { key, d };
  }
  return best && best.d <= Math.max(1, Math.floor(best.key.length / 3)) ? best.key : undefined;
}
