import { describe, expect, it } from 'vitest';
import { checkProp as productCheckProp, type CheckContext } from '../../src/schema/check-prop.js';
import type { ApiTreeNode, PropertySchema } from '../../src/schema/types.js';
import type { PveProperty } from '../../src/simulator/route-types.js';
import { checkProp as simulatorCheckProp } from '../../src/simulator/validate.js';
import { hasShared, readShared, REAL_SCHEMAS, skipReason } from './fixtures.js';

// Two implementations of PVE::JSONSchema's check_prop: the product's pre-flight (src/schema) and the
// simulator's (src/simulator/validate.ts, kept apart as a reference). Both judge every scalar
// parameter of PVE's real schemas on values generated from the schema itself (enum members, range
// bounds, lengths, format and pattern probes, seeded random ones). A value one accepts and the other
// rejects is a disagreement; those not listed in KNOWN fail the test. The product may decline a check
// (unknown format, Perl-only regex): such values are not compared.

/** Disagreements understood and left as they are, by kind (see kindOf), with why. */
const KNOWN: Record<string, string> = {};

type Verdict = { ok: true } | { ok: false; message: string } | { unchecked: true };

/** PVE's messages end in a newline, which the product drops; the words are what must match. */
const sameWords = (m: string): string => m.replace(/\n$/, '').replace(/\n(?=[^]*$)/g, '|');

const show = (v: Verdict): string => ('unchecked' in v ? 'unchecked' : v.ok ? 'ok' : v.message);

function product(schema: PropertySchema, value: string): Verdict {
  const ctx: CheckContext = { errors: {}, skipped: new Set(), encoding: 'form' };
  productCheckProp(value, schema, 'p', ctx);
  const messages = Object.values(ctx.errors);
  if (messages.length) return { ok: false, message: messages.join(' | ') };
  return ctx.skipped.size ? { unchecked: true } : { ok: true };
}

function simulator(schema: PropertySchema, value: string): Verdict {
  const errors: Record<string, string> = {};
  simulatorCheckProp(value, schema as PveProperty, 'p', errors);
  const messages = Object.values(errors);
  return messages.length ? { ok: false, message: messages.join(' | ') } : { ok: true };
}

/** mulberry32: the same samples on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GENERIC = [
  '',
  'a',
  'abc',
  'A-b_c.d',
  '0',
  '1',
  '-1',
  '100',
  '1.5',
  'x y',
  'a,b',
  'a;b',
  'pve1',
  'true',
];
/** Values for named formats: a valid and an invalid side for those PVE checks most often. */
const FORMAT_PROBES: Record<string, string[]> = {
  'pve-node': ['pve1', 'node-2', '-bad', 'bad-', 'a.b'],
  'pve-vmid': ['100', '99', '10', '0', '999999999', '1000000000', '0100'],
  'pve-configid': ['net0', 'a', '0a', 'a-b_c'],
  'pve-storage-id': ['local', 'local-lvm', 'a', '1a', 'a.b', 'a.'],
  'pve-poolid': ['pool1', '_p', '-p', 'p.q'],
  'dns-name': ['example.com', 'a', '-a.com', 'a..b'],
  urlencoded: ['a%20b', 'a b', "ok-_.!~*'()"],
  'pve-tag-list': ['a;b', 'a b', 'bad!', 'Tag+1.x'],
  ip: ['10.0.0.1', '300.1.1.1', '::1', 'fe80::1%eth0'],
  'mac-addr': ['BC:24:11:00:00:01', 'bc:24:11:00:00:01', '01:00:00:00:00:00', 'zz'],
  email: ['root@example.com', 'root@', 'a.b@c'],
  'pve-userid': ['root@pam', 'root', 'a@b'],
};

function samples(schema: PropertySchema, random: () => number): string[] {
  const out = new Set<string>(GENERIC);
  for (const e of schema.enum ?? []) {
    out.add(String(e));
    out.add(`${String(e)}x`);
  }
  if (schema.default !== undefined && typeof schema.default !== 'object') out.add(String(schema.default));
  const min = schema.minimum === undefined ? undefined : Number(schema.minimum);
  const max = schema.maximum === undefined ? undefined : Number(schema.maximum);
  for (const n of [min, max]) {
    if (n === undefined || !Number.isFinite(n)) continue;
    for (const v of [n - 1, n, n + 1]) out.add(String(v));
  }
  if (min !== undefined && max !== undefined && Number.isFinite(min) && Number.isFinite(max)) {
    out.add(String(Math.floor(min + random() * (max - min))));
    if (schema.type === 'number') out.add(String(min + random() * (max - min)));
  }
  for (const n of [schema.minLength, schema.maxLength]) {
    if (n === undefined) continue;
    for (const len of [n - 1, n, n + 1]) if (len >= 0) out.add('a'.repeat(len));
  }
  if (schema.type === 'boolean') ['yes', 'on', '2', 'True'].forEach((v) => out.add(v));
  if (typeof schema.format === 'string') {
    const base = schema.format.replace(/-(list|opt)$/, '');
    for (const v of FORMAT_PROBES[base] ?? []) out.add(v);
    if (schema.format.endsWith('-list')) for (const v of FORMAT_PROBES[base] ?? []) out.add(`${v},${v}`);
  } else if (schema.format && typeof schema.format === 'object') {
    const keys = Object.keys(schema.format);
    const first = keys[0];
    if (first) out.add(`${first}=${GENERIC[Math.floor(random() * GENERIC.length)]}`);
    out.add('nokey=1');
  }
  const chars = 'abcXYZ019-_.:/@ ';
  for (let i = 0; i < 3; i++) {
    out.add(
      Array.from(
        { length: 1 + Math.floor(random() * 12) },
        () => chars[Math.floor(random() * chars.length)],
      ).join(''),
    );
  }
  return [...out];
}

/**
 * The simulator checks only the formats its routes use, and skips patterns it cannot compile: a value
 * it accepts there is "not checked", not a disagreement. Found by asking it about a value no format or
 * pattern of PVE's accepts.
 */
const ABSURD = '\u0001 <>';
function simulatorSkips(schema: PropertySchema): boolean {
  const probe = (s: PropertySchema): boolean => show(simulator(s, ABSURD)) === 'ok';
  if (typeof schema.format === 'string') return probe({ type: 'string', format: schema.format });
  if (schema.format && typeof schema.format === 'object') {
    return Object.values(schema.format).some(
      (sub) =>
        (typeof sub.format === 'string' && probe({ type: 'string', format: sub.format })) ||
        (sub.pattern !== undefined && probe({ type: 'string', pattern: sub.pattern })),
    );
  }
  return schema.pattern !== undefined && probe({ type: 'string', pattern: schema.pattern });
}

/** What a disagreement is about, so the same cause in many parameters counts once. */
function kindOf(schema: PropertySchema, productOk: boolean): string {
  const what =
    typeof schema.format === 'string'
      ? `format ${schema.format}`
      : schema.format
        ? 'property string'
        : schema.pattern
          ? `pattern ${schema.pattern}`
          : schema.enum
            ? 'enum'
            : `type ${String(schema.type)}`;
  return `${what}: ${productOk ? 'product accepts, simulator rejects' : 'product rejects, simulator accepts'}`;
}

interface Disagreement {
  kind: string;
  where: string;
  value: string;
  product: string;
  simulator: string;
}

function* scalarParameters(tree: ApiTreeNode[]): Generator<[string, string, PropertySchema]> {
  for (const node of tree) {
    for (const [method, info] of Object.entries(node.info ?? {})) {
      for (const [name, schema] of Object.entries(info?.parameters?.properties ?? {})) {
        if (schema.type === 'array' || schema.type === 'object' || schema.oneOf) continue;
        yield [`${method} ${node.path}`, name, schema];
      }
    }
    yield* scalarParameters(node.children ?? []);
  }
}

describe.skipIf(!hasShared)(`product and simulator validators agree ${hasShared ? '' : skipReason}`, () => {
  for (const { label, file } of REAL_SCHEMAS) {
    it(`on PVE ${label}'s parameters`, () => {
      const tree = JSON.parse(readShared(file)) as ApiTreeNode[];
      const random = seeded(18);
      const found: Disagreement[] = [];
      const notChecked = new Set<string>();
      /** Both reject, in other words: reported, not failed (the verdict is what a client acts on). */
      const wording = new Map<string, [string, string]>();
      let compared = 0;
      for (const [where, name, schema] of scalarParameters(tree)) {
        for (const value of samples(schema, random)) {
          const p = product(schema, value);
          if ('unchecked' in p) continue;
          const s = simulator(schema, value);
          compared++;
          if (!('unchecked' in s) && !p.ok && !s.ok && sameWords(p.message) !== sameWords(s.message)) {
            if (!simulatorSkips(schema))
              wording.set(kindOf(schema, false).replace(/:.*$/s, ''), [p.message, s.message]);
          }
          if ('unchecked' in s || p.ok === s.ok) continue;
          if (!p.ok && simulatorSkips(schema)) {
            notChecked.add(kindOf(schema, p.ok).replace(/: product rejects, simulator accepts$/, ''));
            continue;
          }
          found.push({
            kind: kindOf(schema, p.ok),
            where: `${where} ${name}`,
            value,
            product: show(p),
            simulator: show(s),
          });
        }
      }
      const byKind = new Map<string, Disagreement[]>();
      for (const d of found) byKind.set(d.kind, [...(byKind.get(d.kind) ?? []), d]);
      const report = [...byKind].map(
        ([kind, list]) =>
          `${Object.hasOwn(KNOWN, kind) ? 'known' : 'NEW'} ${kind} (${list.length}×), e.g. ${list[0]!.where} = ${JSON.stringify(list[0]!.value)}: product ${JSON.stringify(list[0]!.product)}, simulator ${JSON.stringify(list[0]!.simulator)}`,
      );
      console.info(
        `PVE ${label}: ${compared} values compared, ${found.length} disagreements\n${report.join('\n')}\n` +
          `not checked by the simulator (it accepts what the product rejects): ${[...notChecked].sort().join('; ')}\n` +
          `both reject, worded differently: ${[...wording].map(([k, [a, b]]) => `${k} (product ${JSON.stringify(a)}, simulator ${JSON.stringify(b)})`).join('; ')}`,
      );
      expect(compared).toBeGreaterThan(10_000);
      expect(report.filter((l) => l.startsWith('NEW'))).toEqual([]);
    });
  }
});

// The disagreements the comparison found, each fixed on the side that was wrong against PVE; these
// run without ../shared so they hold everywhere.
describe('both validators judge as PVE does', () => {
  const both = (schema: PropertySchema, value: string) => [
    show(product(schema, value)),
    show(simulator(schema, value)),
  ];

  it('a VM id has 3 to 9 digits, in lists too (pve_verify_vmid: ^[1-9][0-9]{2,8}$)', () => {
    const list: PropertySchema = { type: 'string', format: 'pve-vmid-list' };
    expect(both(list, '100,101')).toEqual(['ok', 'ok']);
    for (const side of both(list, '100,99')) expect(side).toMatch(/value does not look like a valid VM ID/);
  });

  it('a pool id may start with - . or _ and nest with / (verify_poolname), with its message', () => {
    const pool: PropertySchema = { type: 'string', format: 'pve-poolid' };
    expect(both(pool, '-1')).toEqual(['ok', 'ok']);
    expect(both(pool, 'team/dev')).toEqual(['ok', 'ok']);
    for (const side of both(pool, 'a b')) expect(side).toMatch(/pool name 'a b' contains invalid characters/);
  });

  it('a pattern is anchored as m/^$pattern$/: a top-level a|b means ^a or b$', () => {
    const alt: PropertySchema = { type: 'string', pattern: '[0-9]+|[a-z]+' };
    expect(both(alt, '12AB')).toEqual(['ok', 'ok']); // ^[0-9]+ matches
    expect(both(alt, 'AB12cd')).toEqual(['ok', 'ok']); // [a-z]+$ matches
    for (const side of both(alt, 'AB')) expect(side).toBe('value does not match the regex pattern');
  });
});

describe('both validators word a property-string error as PVE does', () => {
  it('a part with "=" but no key or value is "missing key in comma-separated list property"', () => {
    // parse_property_string's last branch; the message users see for `efidisk0=...,key=`.
    const schema: PropertySchema = {
      type: 'string',
      format: { size: { type: 'string', optional: 1 }, file: { type: 'string', default_key: 1 } },
    };
    for (const value of ['local:1,size=', 'local:1,=2']) {
      const [p, s] = [show(product(schema, value)), show(simulator(schema, value))];
      expect(p).toBe('invalid format - missing key in comma-separated list property');
      expect(s).toBe('invalid format - missing key in comma-separated list property\n');
    }
  });
});
