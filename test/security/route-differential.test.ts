import { describe, expect, it } from 'vitest';
import { resolveApiPath, InvalidApiPathError } from '../../src/proxmox/api-path.js';
import { compileRule, ruleProblem, type PolicyRule } from '../../src/safety/rules.js';
import type { RouteDef } from '../../src/simulator/route-types.js';
import { ROUTES, Router, routingFragments } from '../../src/simulator/routes.js';
import { splitAbsUri } from '../../src/simulator/http-server.js';
import { uriUnescape } from '../../src/simulator/request-params.js';
import { createRng, fuzzRuns, fuzzSeed, type Rng } from '../fuzz/prng.js';
import { hasShared, realIndex, skipReason } from '../schema/fixtures.js';

/**
 * Differential test of what a path means. For random spellings of real API paths (escaped, doubled,
 * mixed-case, double-encoded, overlong, unicode…), our path module either refuses the path, or the
 * path it sends is routed by the simulator (its own, independent pveproxy-like decoding and routing)
 * to exactly the route our policy rules judge: a rule written for a template matches our segments
 * if and only if the simulator's router picks that template.
 */

interface Endpoint {
  method: string;
  template: string;
}

const SIM_ENDPOINTS: Endpoint[] = ROUTES.map((r) => ({ method: r.method, template: r.path }));
// The storage-content mount (its `{volume}` takes the rest) is not among the simulator's routes.
const EXTRA: Endpoint[] = [
  { method: 'GET', template: '/nodes/{node}/storage/{storage}/content' },
  { method: 'GET', template: '/nodes/{node}/storage/{storage}/content/{volume}' },
  { method: 'DELETE', template: '/nodes/{node}/storage/{storage}/content/{volume}' },
];

const VALUE_CHARS = [
  ...'abcdefxyz0123456789',
  ':',
  '@',
  '!',
  '.',
  '-',
  '_',
  ' ',
  '+',
  'ü',
  '€',
  '%',
  '/',
  '{',
];
const VARIABLE_VALUES: Record<string, string[]> = {
  node: ['pve1', 'pve2'],
  vmid: ['100', '101', '0100'],
  storage: ['local', 'local-lvm'],
  volume: ['local:iso/debian.iso', 'local:100/vm-100-disk-0.qcow2', 'local-lvm:vm-100-disk-0', 'a/b/c'],
};

function randomValue(rng: Rng, name: string): string {
  const known = VARIABLE_VALUES[name];
  if (known && rng.chance(0.7)) return rng.pick(known);
  let out = '';
  for (let i = rng.int(1, 8); i > 0; i--) out += rng.pick(VALUE_CHARS);
  return out;
}

const hex = (b: number, lower: boolean) => {
  const h = b.toString(16).padStart(2, '0');
  return '%' + (lower ? h : h.toUpperCase());
};

/** One character of a segment, spelled one of the ways a caller (or an attacker) might. */
function spellChar(rng: Rng, c: string): string {
  const bytes = [...Buffer.from(c, 'utf8')];
  const escaped = () => bytes.map((b) => hex(b, rng.chance(0.5))).join('');
  if (c === '/') {
    return rng.pick(['/', '%2F', '%2f', '%252F', '%C0%AF', '//', '/%2F', '%2F%2F']);
  }
  if (c === '%') return rng.pick(['%25', '%', '%2525']);
  if (c === '.') return rng.pick(['.', '.', '%2E', '%2e', '%252E']);
  const r = rng.next();
  if (r < 0.6 && /[A-Za-z0-9:@!._~+-]/.test(c)) return c;
  if (r < 0.8) return escaped();
  if (r < 0.9) return bytes.map((b) => '%25' + hex(b, false).slice(1)).join('');
  return c;
}

function spellPath(rng: Rng, template: string): string {
  const segments = template.split('/').slice(1);
  let out = rng.pick(['', '', '/api2/json', '/api2//json', '//api2/json'.slice(1)]);
  for (const seg of segments) {
    const variable = /^\{(.+)\}$/.exec(seg)?.[1];
    const text = variable === undefined ? seg : randomValue(rng, variable);
    // The separator before each segment: usually "/", sometimes doubled or escaped.
    out += rng.chance(0.8) ? '/' : rng.pick(['//', '%2F', '%2f', '/%2F', '/./', '/%2E%2E/']);
    out += rng.chance(0.2) ? [...text].map((c) => spellChar(rng, c)).join('') : text;
  }
  if (rng.chance(0.2)) out += rng.pick(['/', '//', '%2F']);
  if (rng.chance(0.05)) out = out.replace(/^\//, '');
  return out;
}

function ruleFor(e: Endpoint): PolicyRule | undefined {
  const text = `${e.method} ${e.template.replace(/\{[^}]+\}/g, '*')}`;
  return ruleProblem(text) ? undefined : compileRule(text, 'differential');
}

function runDifferential(
  endpoints: Endpoint[],
  label: string,
  lookup?: (path: string) => string | undefined,
): void {
  const router = new Router(
    endpoints.map((e) => ({ method: e.method, path: e.template }) as unknown as RouteDef),
  );
  const rules = endpoints.map((e) => ({ e, rule: ruleFor(e) }));
  const volumeTargets = endpoints.filter((e) => e.template.endsWith('/content/{volume}'));
  const seed = fuzzSeed();
  const rng = createRng(seed);
  const runs = fuzzRuns(2000);
  const seen = { sent: 0, refused: 0, routed: 0, tails: 0, rewritten: 0 };
  for (let i = 0; i < runs; i++) {
    // Volume ids are a handful of endpoints among hundreds: give them a fair share of the runs.
    const target =
      volumeTargets.length > 0 && rng.chance(0.1) ? rng.pick(volumeTargets) : rng.pick(endpoints);
    const written = spellPath(rng, target.template);
    const where = `${label} seed=${seed} run=${i}: ${target.method} ${JSON.stringify(written)}`;
    let resolved;
    try {
      resolved = resolveApiPath(written);
    } catch (err) {
      if (!(err instanceof InvalidApiPathError)) throw new Error(`${where}: ${String(err)}`);
      seen.refused++;
      continue;
    }
    seen.sent++;
    if (resolved.path !== written) seen.rewritten++;
    // What the simulator does with what we send, with its own code: unescape once, take what
    // follows /api2/<format>, split on "/", drop empty fragments, join the volume tail.
    const onWire = uriUnescape(`/api2/json${resolved.path}`);
    const rel = splitAbsUri(onWire)?.[2] ?? '/';
    expect(routingFragments(rel), where).toEqual(resolved.segments);
    if (resolved.segments.some((s) => s.includes('/'))) seen.tails++;
    const picked = router.match(target.method, rel)?.route.path;
    if (picked !== undefined) seen.routed++;
    // The schema lookup resolves the path we send to the template PVE routes it to.
    if (lookup && picked !== undefined)
      expect(lookup(resolved.path), `${where} (schema lookup)`).toBe(picked);
    for (const { e, rule } of rules) {
      if (!rule || e.method !== target.method) continue;
      expect(rule.matches(e.method, resolved.segments), `${where} vs rule for ${e.template}`).toBe(
        picked === e.template,
      );
    }
  }
  // Not vacuous: most spellings are sent and routed, and each kind of rewriting happened.
  expect(seen.sent, JSON.stringify(seen)).toBeGreaterThan(runs * 0.25);
  expect(seen.refused, JSON.stringify(seen)).toBeGreaterThan(runs * 0.05);
  expect(seen.routed, JSON.stringify(seen)).toBeGreaterThan(runs * 0.2);
  expect(seen.tails, JSON.stringify(seen)).toBeGreaterThan(0);
  expect(seen.rewritten, JSON.stringify(seen)).toBeGreaterThan(runs * 0.1);
}

describe('what we send is routed by PVE-like routing exactly as our rules judge it', () => {
  it('simulator routes (plus the storage-content mount)', () => {
    runDifferential([...SIM_ENDPOINTS, ...EXTRA], 'sim');
  });

  it.skipIf(!hasShared)(`every endpoint of the real 9.2 schema ${hasShared ? '' : skipReason}`, () => {
    const index = realIndex('apidoc.json');
    runDifferential(
      index.endpoints.map((e) => ({ method: e.method, template: e.template })),
      'apidoc',
      (path) => index.match(path)?.template,
    );
  });

  it('refuses every spelling whose escaped slash would change the route', () => {
    for (const path of [
      '/nodes/pve1/qemu/101/status/stop%2F',
      '/nodes/pve1/qemu/101/status%2Fstop',
      '/nodes/pve1/qemu/101%2F%2Fstatus/stop',
      '%2Fnodes%2Fpve1%2Fqemu%2F101%2Fstatus%2Fstop',
      '/access%2F%2Fusers',
      '/nodes/pve1/qemu/101/status%2fstop',
      '/nodes/pve1/qemu/101/status%C0%AFstop',
    ]) {
      expect(() => resolveApiPath(path), path).toThrow(InvalidApiPathError);
    }
    // %252F is the text "%2F" to PVE: one segment, judged and sent as such.
    const double = resolveApiPath('/nodes/pve1/qemu/101/status%252Fstop');
    expect(double.segments).toEqual(['nodes', 'pve1', 'qemu', '101', 'status%2Fstop']);
    expect(double.path).toBe('/nodes/pve1/qemu/101/status%252Fstop');
  });
});
