import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TEST_USERS } from '../../helpers/oauth-provider.js';
import type { Sample } from '../../helpers/prometheus.js';
import { recordOutput } from '../../helpers/recording.js';
import { dir } from './stack.js';

/** What the replicas leave behind, read for replicas-oauth.test.ts: audit files and metric labels. */

export function auditOf(name: string): Array<Record<string, unknown>> {
  const text = readFileSync(path.join(dir, `audit-${name}.log`), 'utf8');
  recordOutput('audit', text);
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export /** Label values that name a person or carry a token: any signed-in user's sub, e-mail, name or group. */
function personalLabels(page: Sample[], tokens: string[]): string[] {
  const people = Object.values(TEST_USERS).flatMap((u) => [u.sub, u.email, u.name, ...u.groups]);
  return page.flatMap((s) =>
    Object.entries(s.labels)
      .filter(
        ([, v]) =>
          people.some((p) => v.toLowerCase().includes(p.toLowerCase())) ||
          tokens.some((t) => v.includes(t)) ||
          /@|Bearer|eyJ/.test(v),
      )
      .map(([k, v]) => `${s.name} ${k}=${v}`),
  );
}
