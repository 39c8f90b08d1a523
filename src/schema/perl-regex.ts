// Schema `pattern`s are Perl regexes; PVE applies them as `$value =~ m/^$pattern$/`. Most are plain
// enough for JavaScript once Perl's stringified-qr wrappers (`(?^u:…)`, `(?^i:…)`) are rewritten. What
// JS cannot express faithfully is not guessed at: the pattern is skipped (undefined), because a
// wrong rejection is worse than a missing one.

const cache = new Map<string, RegExp | null>();

/** Converts a Perl pattern to an anchored JS RegExp, or undefined when it cannot be done safely. */
export function compilePerlPattern(pattern: string): RegExp | undefined {
  let hit = cache.get(pattern);
  if (hit === undefined) {
    hit = convert(pattern);
    cache.set(pattern, hit);
  }
  return hit ?? undefined;
}

/** True/false when the pattern could be judged, undefined when it was skipped. */
export function matchesPerlPattern(pattern: string, value: string): boolean | undefined {
  return compilePerlPattern(pattern)?.test(value);
}

// Escapes whose Perl meaning JS lacks or changes: \G \K (match state), \p \P \X (need the u flag,
// which would make identity escapes like `\_` — common in PVE patterns — a syntax error), \R \N \Q \E.
const UNSUPPORTED_ESCAPES = new Set(['G', 'K', 'p', 'P', 'X', 'R', 'N', 'Q', 'E', 'C', 'g', 'k']);

function convert(pattern: string): RegExp | null {
  let out = '';
  let inClass = false;
  let insensitive = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined || UNSUPPORTED_ESCAPES.has(next)) return null;
      i++;
      if (next === 'x' && pattern[i + 1] === '{') {
        const m = /^\{([0-9a-fA-F]{1,4})\}/.exec(pattern.slice(i + 1));
        if (!m) return null;
        out += `\\u${m[1]!.padStart(4, '0')}`;
        i += m[0].length;
      } else if (next === 'h') out += inClass ? ' \\t' : '[ \\t]';
      else if (!inClass && next === 'A') out += '^';
      else if (!inClass && (next === 'z' || next === 'Z')) out += '$';
      else out += c + next;
      continue;
    }
    if (inClass) {
      if (c === '[' && pattern[i + 1] === ':') return null; // POSIX [:alpha:]
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A leading `]` (or `^]`) is a literal in Perl; in JS `[]` is an empty class, so escape it.
      const lead = /^\^?\]/.exec(pattern.slice(i + 1));
      if (lead) {
        out += lead[0].replace(']', '\\]');
        i += lead[0].length;
      }
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2);
      if (/^(?::|=|!|<=|<!|<[A-Za-z])/.test(rest)) {
        out += c;
        continue;
      }
      // (?^u:…) (?i:…) (?^:…) (?i-x:…): Perl's inline modifiers. Node 20 has no scoped modifiers;
      // making the whole pattern case-insensitive only ever accepts more, the safe direction.
      const group = /^\^?([a-z]*)(?:-([a-z]*))?([:)])/.exec(rest);
      if (group && !/[^imsun]/.test(group[1]!) && !/[^imsun]/.test(group[2] ?? '')) {
        if (group[1]!.includes('i')) insensitive = true;
        if (/[sm]/.test(group[1]!)) return null;
        if (group[3] === ')' && out !== '') return null; // a mid-pattern (?i) switch
        out += group[3] === ':' ? '(?:' : '';
        i += 1 + group[0].length;
        continue;
      }
      // Atomic groups only prune backtracking: as a plain group the pattern accepts at least as much.
      if (rest.startsWith('>')) {
        out += '(?:';
        i += 2;
        continue;
      }
      return null; // (?#…), (?{…}), (?(cond)…), (?R), (?&name), (?P…)
    }
    out += c;
  }
  try {
    // Same concatenation as Perl's m/^$pattern$/: a top-level `a|b` binds as `^a|b$` there too.
    return new RegExp(`^${out}$`, insensitive ? 'i' : '');
  } catch {
    return null; // e.g. possessive quantifiers (`a++`), which JS rejects as "nothing to repeat"
  }
}
