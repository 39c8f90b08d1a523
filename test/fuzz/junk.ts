import type { Rng } from './prng.js';

/**
 * Values a confused model, a buggy client or an attacker could put in a JSON-RPC message. Everything
 * here is something JSON.parse can produce (lone surrogates, -0, Infinity from "1e999", own
 * "__proto__" keys), because that is all a transport can deliver.
 */

const MB = 1024 * 1024;
// Built once: a fresh megabyte per call would make the run about allocation, not about the server.
const HUGE_ASCII = 'A'.repeat(MB);
const HUGE_EMOJI = '🦀'.repeat(MB / 8);
const HUGE_DIGITS = '9'.repeat(400_000);

export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\t\n',
  HUGE_ASCII,
  HUGE_EMOJI,
  HUGE_DIGITS,
  '\u202Epve1\u202C', // right-to-left override
  'مرحبا',
  '👨‍👩‍👧‍👦',
  '\uD800', // lone high surrogate
  'x\uDC00y', // lone low surrogate
  'a\u0000b', // NUL
  '\u0000',
  'pve1\r\nX-Injected: 1',
  'line1\nline2',
  '../../etc/passwd',
  '/nodes/pve1/../../access/users',
  '/nodes/..%2F..%2Faccess',
  '%2F',
  '%2e%2e/%2e%2e',
  '/nodes%2Fpve1%2Fqemu',
  '..\\..\\windows',
  '/api2/json/version',
  'https://evil.example/version',
  '//evil.example/x',
  '/version?x=1',
  '/version#frag',
  '/version\u0000',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e308',
  '1e309',
  '0x64',
  '0b1100100',
  ' 100 ',
  '100abc',
  '-100',
  '100.5',
  '99',
  '100',
  'true',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  '*',
  '%s%s%n',
  '${process.exit()}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '\u00A0',
  '\uFEFF',
  'pve\u200B1', // zero-width space
  'рve1', // Cyrillic "р"
  'e\u0301',
  'UPID:pve1:00000000:00000000:00000000:qmstart:100:root@pam!mcp:',
  'UPID:pve1:::::::',
  'UPID:' + 'x'.repeat(5000),
];

export const NASTY_NUMBERS: readonly number[] = [
  0,
  -0,
  1,
  -1,
  99,
  100,
  100.5,
  -100,
  1e308,
  -1e308,
  5e-324,
  Infinity, // JSON.parse('1e999')
  -Infinity,
  2 ** 31,
  -(2 ** 31),
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  999_999_999,
  1_000_000_000,
  600,
  601,
  10_000,
  10_001,
];

/** Nested `depth` levels deep, built iteratively so building it cannot overflow the stack. */
function deepArray(depth: number): unknown {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function deepObject(depth: number): unknown {
  let v: unknown = {};
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

function wideObject(keys: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = 0; i < keys; i++) o[`k${i}`] = i;
  return o;
}

const STRUCTURES: ReadonlyArray<() => unknown> = [
  () => [],
  () => ({}),
  () => [null],
  () => [1, '2', [3], { four: 4 }],
  () => deepArray(50),
  () => deepArray(5_000),
  () => deepObject(50),
  () => deepObject(5_000),
  () => new Array<number>(100_000).fill(0),
  () => wideObject(10_000),
  () => JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
  () => JSON.parse('{"constructor": {"prototype": {"polluted": true}}}') as unknown,
  () => ({ toString: 'not a function', valueOf: 1, toJSON: null }),
  () => ({ '': '', ' ': ' ', '\u0000': 0 }),
  () => [HUGE_ASCII, HUGE_ASCII],
];

/** One junk JSON value of any kind. */
export function junkValue(rng: Rng): unknown {
  const kind = rng.int(0, 9);
  if (kind <= 3) return rng.pick(NASTY_STRINGS);
  if (kind <= 5) return rng.pick(NASTY_NUMBERS);
  if (kind === 6) return rng.pick([true, false, null]);
  return rng.pick(STRUCTURES)();
}

/** A key that no tool declares (or a hostile one). */
export function junkKey(rng: Rng): string {
  return rng.pick([
    'extra',
    '__proto__',
    'constructor',
    'toString',
    'Cluster', // wrong case of a real key
    'VMID',
    '',
    ' vmid',
    'vmid\u0000',
    HUGE_ASCII.slice(0, 100_000),
    '\uD800',
    '🦀',
  ]);
}
