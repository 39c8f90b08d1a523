import { beforeAll, describe, expect, it } from 'vitest';
import { resolveApiPath } from '../../src/proxmox/api-path.js';
import { OPERATOR_POLICY, OPERATOR_RULES, roleAllows } from '../../src/safety/roles.js';
import type { ApiIndex } from '../../src/schema/index.js';
import { hasShared, realIndex, REAL_SCHEMAS, skipReason } from '../schema/fixtures.js';

/**
 * The operator's built-in rules against the real PVE schemas: a typo (or an endpoint PVE renamed) must
 * not leave a rule that silently grants nothing, and the list must grant what it says and no more.
 */
describe.skipIf(!hasShared)(`operator rules name real endpoints ${hasShared ? '' : skipReason}`, () => {
  for (const { label, file } of REAL_SCHEMAS) {
    describe(`PVE ${label}`, () => {
      let index: ApiIndex;
      beforeAll(() => {
        index = realIndex(file);
      });

      it('every rule matches at least one method and path of the API', () => {
        const unmatched = OPERATOR_POLICY.filter(
          (rule) =>
            !index.endpoints.some(
              (e) =>
                (rule.method === '*' || rule.method === e.method) &&
                rule.matches(e.method, resolveApiPath(e.template).segments),
            ),
        ).map((r) => r.text);
        expect(unmatched).toEqual([]);
      });

      it('what an operator may write: guest power, snapshots, backups now, stopping tasks; nothing else', () => {
        const writes = index.endpoints
          .filter((e) => e.method !== 'GET')
          .filter((e) => roleAllows({ role: 'operator' }, e.method, resolveApiPath(e.template).segments, {}))
          .map((e) => `${e.method} ${e.template}`);
        for (const w of writes)
          expect(w).toMatch(
            /^(POST \/nodes\/\{node\}\/(qemu|lxc)\/\{vmid\}\/status\/(start|stop|shutdown|reboot|suspend|resume|reset)|(POST|DELETE|PUT) \/nodes\/\{node\}\/(qemu|lxc)\/\{vmid\}\/snapshot(\/\{snapname\}(\/rollback|\/config)?)?|POST \/nodes\/\{node\}\/vzdump|DELETE \/nodes\/\{node\}\/storage\/\{storage\}\/prunebackups|DELETE \/nodes\/\{node\}\/tasks\/\{upid\})$/,
          );
        // Every rule but GET /** grants exactly one endpoint.
        expect(writes).toHaveLength(OPERATOR_RULES.length - 1);
        expect(writes).not.toContain('POST /nodes/{node}/qemu/{vmid}/agent/exec');
        expect(writes).not.toContain('PUT /nodes/{node}/qemu/{vmid}/config');
        expect(writes).not.toContain('POST /cluster/backup');
      });
    });
  }
});
