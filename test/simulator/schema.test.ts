import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { ROUTES } from '../../src/simulator/routes.js';
import { SimClient, sharedExists, sharedPve } from './helpers.js';

interface TreeNode {
  path: string;
  text: string;
  leaf: number;
  info?: Record<string, MethodInfo>;
  children?: TreeNode[];
}
interface MethodInfo {
  name: string;
  method: string;
  description: string;
  parameters: { additionalProperties: number; properties?: Record<string, Record<string, unknown>> };
  permissions?: unknown;
  returns: unknown;
  proxyto?: string;
  protected?: number;
  allowtoken: number;
}

/** Decodes the one JSON value after `const apiSchema = ` without evaluating the file. */
function parseApidoc(js: string): TreeNode[] {
  const start = js.indexOf('[', js.indexOf('const apiSchema = '));
  let depth = 0;
  let inString = false;
  for (let i = start; i < js.length; i++) {
    const ch = js[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) return JSON.parse(js.slice(start, i + 1)) as TreeNode[];
    }
  }
  throw new Error('unterminated apiSchema');
}

function flatten(nodes: readonly TreeNode[], out = new Map<string, MethodInfo>()): Map<string, MethodInfo> {
  for (const n of nodes) {
    for (const [method, info] of Object.entries(n.info ?? {})) out.set(`${method} ${n.path}`, info);
    flatten(n.children ?? [], out);
  }
  return out;
}

let sim: Simulator;
let tree: TreeNode[];
let js: string;
beforeAll(async () => {
  sim = await startSimulator();
  const c = new SimClient(sim);
  js = (await c.call('GET', '/pve-docs/api-viewer/apidoc.js', { auth: null })).text;
  await c.close();
  tree = parseApidoc(js);
});
afterAll(() => sim.close());

describe('served apidoc.js', () => {
  it('has the real file form: the schema array, then viewer JavaScript', () => {
    expect(js.startsWith('const apiSchema = [\n')).toBe(true);
    expect(js).toMatch(/\n;\n/);
    expect(js).toContain('Ext.onReady(function() {');
  });

  it('is the same tree shape as PVE: top levels in order, nested paths, leaf flags', () => {
    expect(tree.map((n) => n.path)).toEqual([
      '/cluster',
      '/nodes',
      '/storage',
      '/access',
      '/pools',
      '/version',
    ]);
    const walk = (nodes: readonly TreeNode[], parent: string): void => {
      for (const n of nodes) {
        expect(n.path.startsWith(`${parent}/`)).toBe(true);
        expect(n.text).toBe(n.path.split('/').at(-1));
        expect(n.leaf).toBe(n.children ? 0 : 1);
        walk(n.children ?? [], n.path);
      }
    };
    walk(tree, '');
  });

  it('describes every route of the table exactly once, with PVE method fields', () => {
    const methods = flatten(tree);
    expect(methods.size).toBe(ROUTES.length);
    for (const route of ROUTES) {
      const info = methods.get(`${route.method} ${route.path}`);
      expect(info, `${route.method} ${route.path}`).toBeDefined();
      expect(info).toMatchObject({
        method: route.method,
        name: route.name,
        allowtoken: 1,
        parameters: { additionalProperties: 0 },
      });
      expect(Object.keys(info ?? {}).sort()).toEqual(
        expect.arrayContaining([
          'allowtoken',
          'description',
          'method',
          'name',
          'parameters',
          'permissions',
          'returns',
        ]),
      );
    }
  });

  it('lists the path variables as parameters', () => {
    for (const [key, info] of flatten(tree)) {
      for (const variable of key.matchAll(/\{([^}]+)\}/g)) {
        expect(info.parameters.properties?.[variable[1] ?? ''], key).toBeDefined();
      }
    }
  });
});

describe.skipIf(!sharedExists)(
  'conformance with the real PVE 9.2 schema (skipped: ../shared/pve not present; CI provides it)',
  () => {
    const real = () =>
      flatten(JSON.parse(readFileSync(path.join(sharedPve, 'apidoc.json'), 'utf8')) as TreeNode[]);

    it('every simulator route exists in PVE with the same method, name and proxying', () => {
      const methods = real();
      for (const route of ROUTES) {
        const info = methods.get(`${route.method} ${route.path}`);
        expect(info, `${route.method} ${route.path} is not a PVE 9.2 method`).toBeDefined();
        expect(
          { name: route.name, proxyto: route.proxyto, protected: route.protected },
          `${route.method} ${route.path}`,
        ).toEqual({
          name: info?.name,
          proxyto: info?.proxyto,
          protected: info?.protected,
        });
        // The checks are facts; PVE's prose about them (permissions.description) is not ours to copy.
        const { description: _ours, ...checks } = route.permissions;
        const { description: _theirs, ...realChecks } = (info?.permissions ?? {}) as Record<string, unknown>;
        expect(checks, `${route.method} ${route.path} permissions`).toEqual(realChecks);
      }
    });

    it('every simulator parameter is a real one, with the same type, optionality and limits', () => {
      const methods = real();
      for (const route of ROUTES) {
        const realProps = methods.get(`${route.method} ${route.path}`)?.parameters.properties ?? {};
        for (const [name, prop] of Object.entries(route.parameters.properties ?? {})) {
          const where = `${route.method} ${route.path} ${name}`;
          const r = realProps[name];
          expect(r, `${where} is not a PVE parameter`).toBeDefined();
          for (const key of [
            'type',
            'optional',
            'enum',
            'minimum',
            'maximum',
            'maxLength',
            'pattern',
            'requires',
            'default',
          ]) {
            expect((prop as Record<string, unknown>)[key], `${where}.${key}`).toEqual(r?.[key]);
          }
          const fmt = prop.format;
          expect(typeof fmt === 'object' ? Object.keys(fmt).sort() : fmt, `${where}.format`).toEqual(
            typeof r?.format === 'object' && r.format !== null ? Object.keys(r.format).sort() : r?.format,
          );
        }
      }
    });
  },
);
