import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultCacheDir,
  SchemaStore,
  SchemaUnavailableError,
  type SchemaLoaders,
} from '../../src/schema/index.js';
import { cacheFileName } from '../../src/schema/schema-cache-file.js';
import { syntheticTree } from './fixtures.js';

const apidoc = `const apiSchema = ${JSON.stringify(syntheticTree)};\nExt.onReady(function(){});`;
const key = { cluster: 'prod', host: 'pve1.example.com:8006' };

/** Loaders that count their calls; behaviour can be swapped per test. */
function fakeLoaders(version = '9.2.11') {
  const calls = { apidoc: 0, version: 0 };
  const state = {
    version,
    apidoc: (): Promise<string> => Promise.resolve(apidoc),
    versionFn: (): Promise<string> => Promise.resolve(state.version),
  };
  const loaders: SchemaLoaders = {
    fetchApidoc: () => {
      calls.apidoc++;
      return state.apidoc();
    },
    getVersion: () => {
      calls.version++;
      return state.versionFn();
    },
  };
  return { loaders, calls, state };
}

describe('SchemaStore', () => {
  let dir: string;
  let now: number;
  const clock = () => now;
  const warnings: string[] = [];
  const logger = { warn: (m: string) => warnings.push(m) };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pmcp-schema-'));
    now = 1_000_000;
    warnings.length = 0;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads once and serves later calls from memory', async () => {
    const store = new SchemaStore({ cacheDir: dir, now: clock });
    const { loaders, calls } = fakeLoaders();
    const first = await store.get(key, loaders);
    expect(first.methodCount).toBe(22);
    expect(first.version).toBe('9.2.11');
    now += 60_000;
    expect(await store.get(key, loaders)).toBe(first);
    expect(calls).toEqual({ apidoc: 1, version: 1 });
    expect(store.peek('prod')).toBe(first);
  });

  it('writes the schema to disk, and a new store (restart) reads it instead of downloading', async () => {
    const { loaders, calls } = fakeLoaders();
    await new SchemaStore({ cacheDir: dir, now: clock }).get(key, loaders);
    const file = cacheFileName(dir, key.host, '9.2.11');
    expect(await readdir(dir)).toEqual(['apidoc_pve1.example.com_8006@9.2.11.json']);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({
      format: 1,
      host: key.host,
      version: '9.2.11',
    });

    const restarted = await new SchemaStore({ cacheDir: dir, now: clock }).get(key, loaders);
    expect(restarted.methodCount).toBe(22);
    expect(calls).toEqual({ apidoc: 1, version: 2 });
  });

  it('re-checks the version after the TTL and refreshes when it changed', async () => {
    const store = new SchemaStore({ cacheDir: dir, now: clock, versionTtlMs: 1000 });
    const { loaders, calls, state } = fakeLoaders('9.1.4');
    const old = await store.get(key, loaders);
    now += 1500;
    expect(await store.get(key, loaders)).toBe(old); // same version: no download
    expect(calls).toEqual({ apidoc: 1, version: 2 });
    state.version = '9.2.11';
    now += 1500;
    const fresh = await store.get(key, loaders);
    expect(fresh).not.toBe(old);
    expect(fresh.version).toBe('9.2.11');
    expect(calls).toEqual({ apidoc: 2, version: 3 });
    expect(await readdir(dir)).toEqual(['apidoc_pve1.example.com_8006@9.2.11.json']); // old version dropped
  });

  it('shares one fetch between concurrent first calls', async () => {
    const store = new SchemaStore({ cacheDir: dir, now: clock });
    const { loaders, calls, state } = fakeLoaders();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    state.apidoc = async () => {
      await gate;
      return apidoc;
    };
    const pending = [store.get(key, loaders), store.get(key, loaders), store.get(key, loaders)];
    release();
    const [a, b, c] = await Promise.all(pending);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(calls).toEqual({ apidoc: 1, version: 1 });
  });

  it('remembers a failure briefly as SchemaUnavailableError, then retries', async () => {
    const store = new SchemaStore({ cacheDir: dir, now: clock, logger, failureTtlMs: 60_000 });
    const { loaders, calls, state } = fakeLoaders();
    state.apidoc = () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.1:8006'));
    const err = await store.get(key, loaders).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaUnavailableError);
    expect(err).toMatchObject({
      code: 'SCHEMA_UNAVAILABLE',
      cluster: 'prod',
      reason: 'connect ECONNREFUSED 10.0.0.1:8006',
    });
    expect(warnings).toHaveLength(1);

    now += 30_000;
    await expect(store.get(key, loaders)).rejects.toBe(err);
    expect(calls.apidoc).toBe(1);

    now += 31_000;
    state.apidoc = () => Promise.resolve(apidoc);
    expect((await store.get(key, loaders)).methodCount).toBe(22);
    expect(calls.apidoc).toBe(2);
  });

  it('reports an unparsable download (e.g. a login page) as unavailable', async () => {
    const store = new SchemaStore({ cacheDir: dir, now: clock });
    const { loaders, state } = fakeLoaders();
    state.apidoc = () => Promise.resolve('<html>proxy error</html>');
    await expect(store.get(key, loaders)).rejects.toThrow(/unavailable: no 'const apiSchema = \[' found/);
  });

  it('ignores and replaces a corrupt cache file', async () => {
    const file = cacheFileName(dir, key.host, '9.2.11');
    await writeFile(file, '{"format":1,"host":"pve1.ex');
    const store = new SchemaStore({ cacheDir: dir, now: clock, logger });
    const { loaders, calls } = fakeLoaders();
    expect((await store.get(key, loaders)).methodCount).toBe(22);
    expect(calls.apidoc).toBe(1);
    expect(warnings[0]).toMatch(/ignoring corrupt schema cache/);
    expect(JSON.parse(await readFile(file, 'utf8')).tree).toHaveLength(syntheticTree.length);
  });

  it('works without /version (memory only) and without a disk cache', async () => {
    const { loaders, calls, state } = fakeLoaders();
    state.versionFn = () => Promise.reject(new Error('401 No ticket'));
    const index = await new SchemaStore({ cacheDir: dir, now: clock }).get(key, loaders);
    expect(index.version).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);

    state.versionFn = () => Promise.resolve('9.2.11');
    await new SchemaStore({ cacheDir: null, now: clock }).get(key, loaders);
    expect(await readdir(dir)).toEqual([]);
    expect(calls.apidoc).toBe(2);
  });

  it('keeps the old schema when a newer version cannot be downloaded', async () => {
    const store = new SchemaStore({ cacheDir: dir, now: clock, versionTtlMs: 1000, logger });
    const { loaders, state } = fakeLoaders('9.1.4');
    const old = await store.get(key, loaders);
    state.version = '9.2.11';
    state.apidoc = () => Promise.reject(new Error('timeout'));
    now += 1500;
    expect(await store.get(key, loaders)).toBe(old);
    expect(warnings.join()).toMatch(/timeout/);
  });

  it('lets a caller stop waiting without cancelling the shared load', async () => {
    const store = new SchemaStore({ cacheDir: dir, now: clock });
    const { loaders, state } = fakeLoaders();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    state.apidoc = async () => {
      await gate;
      return apidoc;
    };
    const controller = new AbortController();
    const impatient = store.get(key, loaders, controller.signal);
    const patient = store.get(key, loaders);
    controller.abort(new Error('client went away'));
    await expect(impatient).rejects.toThrow('client went away');
    release();
    expect((await patient).methodCount).toBe(22);
  });
});

describe('defaultCacheDir', () => {
  it('uses an absolute XDG_CACHE_HOME, else ~/.cache', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/var/cache/u' }, '/home/u')).toBe('/var/cache/u/proxmox-mcp');
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'relative' }, '/home/u')).toBe('/home/u/.cache/proxmox-mcp');
    expect(defaultCacheDir({}, '/home/u')).toBe('/home/u/.cache/proxmox-mcp');
  });
});
