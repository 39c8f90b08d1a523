import { beforeAll, describe, expect, it } from 'vitest';
import { resolveApiPath } from '../../src/proxmox/api-path.js';
import { DEFAULT_POLICY } from '../../src/safety/policy.js';
import type { ApiIndex } from '../../src/schema/index.js';
import { hasShared, realIndex, REAL_SCHEMAS, skipReason } from '../schema/fixtures.js';

/**
 * The default confirm list against the real PVE schemas: a typo in a rule (or an endpoint PVE renamed)
 * must not leave a rule that silently matches nothing, and a condition must name a parameter the
 * method takes. PVE refuses parameter names a method does not declare (additionalProperties 0), which
 * is what makes a condition impossible to evade under another spelling: checked here too.
 */
describe.skipIf(!hasShared)(
  `default confirm rules name real endpoints ${hasShared ? '' : skipReason}`,
  () => {
    for (const { label, file } of REAL_SCHEMAS) {
      describe(`PVE ${label}`, () => {
        let index: ApiIndex;
        beforeAll(() => {
          index = realIndex(file);
        });

        it('every rule matches at least one path and method of the API (9.2: all; older: most)', () => {
          const unmatched: string[] = [];
          for (const rule of DEFAULT_POLICY.confirm) {
            const hits = index.endpoints.filter(
              (e) =>
                (rule.method === '*' || rule.method === e.method) &&
                rule.matches(
                  e.method,
                  resolveApiPath(e.template).segments,
                  Object.fromEntries(rule.conditions.map((c) => [c.name, c.values?.[0] ?? 'x'])),
                ),
            );
            if (hits.length === 0) unmatched.push(rule.text);
            for (const hit of hits) {
              const params = hit.info.parameters;
              for (const c of rule.conditions) {
                expect(
                  params?.properties?.[c.name],
                  `${rule.text}: ${hit.method} ${hit.template} takes ${c.name}`,
                ).toBeDefined();
                expect(
                  params?.additionalProperties ?? 0,
                  `${hit.method} ${hit.template} refuses unknown names`,
                ).toBeFalsy();
              }
            }
          }
          // Older releases lack a few newer endpoints (bulk actions); the current one has them all.
          if (label === '9.2') expect(unmatched).toEqual([]);
          else expect(unmatched.length, unmatched.join(', ')).toBeLessThanOrEqual(3);
        });
      });
    }
  },
);
