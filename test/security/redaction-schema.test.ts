import { describe, expect, it } from 'vitest';
import type { ApiTreeNode } from '../../src/schema/index.js';
import { isSensitiveName, SENSITIVE_BY_ENDPOINT, sensitiveAt } from '../../src/safety/sensitive-params.js';
import { hasShared, readShared, REAL_SCHEMAS, skipReason } from '../schema/fixtures.js';

/**
 * The masking table (src/safety/sensitive-params.ts) is static, compiled from a review of the PVE API
 * schemas; these checks keep it honest against the real schemas: every entry names a parameter that
 * exists, and every parameter whose name or description speaks of a secret is masked, or is one of
 * the reviewed exceptions below.
 */
const SPEAKS_OF_SECRETS =
  /password|passphrase|secret|api key|private key|one-time|totp|credential|\btoken\b|base64/i;

/** Reviewed: these mention a secret but do not hold one. */
const NOT_SECRET: Record<string, string> = {
  'otel-resource-attributes': 'resource attributes (service name, environment), base64 JSON',
  'token-coefficient': "a number: corosync's token timeout factor",
  'release-lock': 'a boolean flag',
  force: 'a boolean flag',
  ciuser: 'a user name',
  crypted: 'a boolean flag',
  username: 'a user name',
  encode: 'a boolean flag',
  tokenid: 'the token name, not its secret',
  expire: 'a date',
  privsep: 'a boolean flag',
  regenerate: 'a boolean flag',
  authid: 'a user or token id',
};

interface Param {
  method: string;
  path: string;
  name: string;
  description: string;
}

function writeParams(file: string): Param[] {
  const out: Param[] = [];
  const stack = [...(JSON.parse(readShared(file)) as ApiTreeNode[])];
  while (stack.length) {
    const node = stack.pop()!;
    for (const [method, info] of Object.entries(node.info ?? {})) {
      if (method === 'GET') continue;
      for (const [name, p] of Object.entries(info?.parameters?.properties ?? {})) {
        out.push({ method, path: node.path, name, description: String(p.description ?? '') });
      }
    }
    stack.push(...(node.children ?? []));
  }
  return out;
}

describe.skipIf(!hasShared)(
  `the masking table against the real API schemas ${hasShared ? '' : skipReason}`,
  () => {
    it('every endpoint entry names a write parameter that exists (PVE 9.2 schema)', () => {
      const params = writeParams('apidoc.json');
      for (const entry of SENSITIVE_BY_ENDPOINT) {
        for (const name of entry.params) {
          expect(
            params.some((p) => p.path === entry.path && p.name === name),
            `${entry.path} ${name}`,
          ).toBe(true);
        }
      }
    });

    for (const schema of REAL_SCHEMAS) {
      it(`every write parameter that speaks of a secret is masked (PVE ${schema.label})`, () => {
        const unmasked = writeParams(schema.file)
          .filter((p) => SPEAKS_OF_SECRETS.test(p.name) || SPEAKS_OF_SECRETS.test(p.description))
          .filter((p) => !isSensitiveName(p.name, sensitiveAt(p.path)))
          .filter((p) => !Object.hasOwn(NOT_SECRET, p.name))
          .map((p) => `${p.method} ${p.path} ${p.name}: ${p.description.slice(0, 80)}`);
        expect(unmasked).toEqual([]);
      });
    }
  },
);
