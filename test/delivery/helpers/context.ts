import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The Docker build context: the directory minus what .dockerignore excludes, with Docker's rules
 * (moby/patternmatcher): patterns are relative to the context root, `*` and `?` stay within one
 * path segment, `**` spans any number, a pattern that matches a directory excludes everything in it,
 * `!` re-includes, and the last matching pattern wins.
 */
interface Rule {
  negate: boolean;
  re: RegExp;
  pattern: string;
}

export function readDockerignore(file: string): Rule[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = path.posix.normalize(l.slice(negate ? 1 : 0).trim()).replace(/^\/+|\/+$/g, '');
      return { negate, re: globToRegExp(pattern), pattern };
    });
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` matches zero or more directories; a trailing `**` matches everything.
      if (glob[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Whether `rel` (posix, relative to the context root) is left out of the context. */
export function isIgnored(rules: Rule[], rel: string): boolean {
  const parts = rel.split('/');
  const selfOrParents = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) if (selfOrParents.some((p) => rule.re.test(p))) ignored = !rule.negate;
  return ignored;
}

/** Every file of the context (posix paths relative to `root`). */
export function contextFiles(root: string, rules: Rule[]): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        // Skip a directory only when it is excluded and no `!` rule could reach inside it.
        const reopened = rules.some((r) => r.negate && r.pattern.startsWith(`${child}/`));
        if (!isIgnored(rules, child) || reopened) walk(child);
      } else if (!isIgnored(rules, child)) out.push(child);
    }
  };
  walk('');
  return out.sort();
}
