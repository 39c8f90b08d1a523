import { describe, expect, it } from 'vitest';
import { ApiIndex, parseApidocJs, SchemaParseError } from '../../src/schema/index.js';
import { hasShared, readShared, REAL_SCHEMAS, skipReason, syntheticTree } from './fixtures.js';

const viewerTail = `;\nExt.onReady(function(){ /* viewer [code] "with brackets" */ var x = ['}', "]"]; });\n`;
const wrap = (json: string, marker = 'const apiSchema = '): string => `${marker}${json}${viewerTail}`;

describe('parseApidocJs', () => {
  const json = JSON.stringify(syntheticTree);

  it('reads the apidoc.js form and ignores the viewer code after the array', () => {
    expect(parseApidocJs(wrap(json))).toEqual(syntheticTree);
  });

  it('accepts var/let markers (PBS, PDM), a BOM, and a plain JSON array', () => {
    expect(parseApidocJs(wrap(json, 'var apiSchema=')).length).toBe(syntheticTree.length);
    expect(parseApidocJs(`\ufeff${wrap(json, 'let apiSchema =\n')}`).length).toBe(syntheticTree.length);
    expect(parseApidocJs(`  ${json}\n`)).toEqual(syntheticTree);
  });

  it('is not confused by brackets and escaped quotes inside strings', () => {
    const tree = [{ path: '/x', text: 'a ] } [ "quoted \\" ] still string', leaf: 1, info: {} }];
    expect(parseApidocJs(wrap(JSON.stringify(tree)))).toEqual(tree);
  });

  it('never evaluates the file: code before the marker is ignored', () => {
    const text = `globalThis.pwned = true;\n${wrap(json)}`;
    expect(parseApidocJs(text).length).toBe(syntheticTree.length);
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });

  it('explains a missing marker (e.g. an HTML error page)', () => {
    expect(() => parseApidocJs('<html><body>401 No ticket</body></html>')).toThrow(SchemaParseError);
    expect(() => parseApidocJs('<html>')).toThrow(/no 'const apiSchema = \[' found/);
    expect(() => parseApidocJs('const apiSchema = {"a":1};')).toThrow(/expected '\['/);
  });

  it('explains a truncated download', () => {
    const cut = wrap(json).slice(0, Math.floor(json.length / 2));
    expect(() => parseApidocJs(cut)).toThrow(/cut off .*truncated/);
    expect(() => parseApidocJs('const apiSchema = [{"path": "/x", "text": "unterminated')).toThrow(
      /inside a string/,
    );
  });

  it('rejects JSON that is balanced but invalid, or not a tree', () => {
    const err = (() => {
      try {
        parseApidocJs('const apiSchema = [{path: 1}];');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SchemaParseError);
    expect((err as SchemaParseError).code).toBe('SCHEMA_PARSE');
    expect(() => parseApidocJs('[1, 2]')).toThrow(/entry 0 is not a tree node/);
    expect(() => parseApidocJs('[{"path": "/a"}, ]')).toThrow(/not valid JSON/);
  });
});

describe.skipIf(!hasShared)(`parseApidocJs on real PVE schemas ${hasShared ? '' : skipReason}`, () => {
  for (const { label, file, paths, methods } of REAL_SCHEMAS) {
    it(`PVE ${label}: plain JSON and apidoc.js form give the same ${paths} paths / ${methods} methods`, () => {
      const text = readShared(file);
      const plain = parseApidocJs(text);
      const fromJs = parseApidocJs(wrap(text));
      expect(fromJs).toEqual(plain);
      const index = new ApiIndex(fromJs);
      expect(index.pathCount).toBe(paths);
      expect(index.methodCount).toBe(methods);
    });
  }
});
