import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configError } from '../helpers/config-error.js';
import { registerSecret } from '../helpers/recording.js';
import { loadConfig } from '../../src/config/load.js';

const SECRET = '5f1c9b2e-1111-4c2d-9e3f-aabbccddeeff';
registerSecret(SECRET);

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'pmcp-config-'));
}

function write(dir: string, name: string, value: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return file;
}

const entry = (extra: Record<string, unknown> = {}) => ({
  url: 'pve1.example.com',
  user: 'mcp@pve',
  token_id: 'mcp',
  token_secret: SECRET,
  ...extra,
});

async function load(opts: {
  cwd: string;
  env?: Record<string, string>;
  configFlag?: string;
  homedir?: string;
}) {
  return loadConfig({
    cwd: opts.cwd,
    env: opts.env ?? {},
    configFlag: opts.configFlag,
    homedir: opts.homedir ?? tmp(),
  });
}

describe('config discovery order', () => {
  it('finds clusters.json in the working directory and normalises the url', async () => {
    const dir = tmp();
    const file = write(dir, 'clusters.json', { clusters: { prod: entry() } });
    const cfg = await load({ cwd: dir });
    expect(cfg.source).toBe(file);
    expect(cfg.defaultCluster).toBe('prod');
    expect(cfg.clusters[0]).toMatchObject({
      origin: 'https://pve1.example.com:8006',
      port: 8006,
      tokenSecret: SECRET,
      tls: { mode: 'verify' },
    });
  });

  it('prefers --config over PROXMOX_MCP_CONFIG over the working directory over the user config dir', async () => {
    const cwd = tmp();
    const home = tmp();
    write(cwd, 'clusters.json', { clusters: { cwd: entry() } });
    mkdirSync(path.join(home, '.config', 'proxmox-mcp'), { recursive: true });
    write(path.join(home, '.config', 'proxmox-mcp'), 'clusters.json', { clusters: { user: entry() } });
    const envFile = write(tmp(), 'env.json', { clusters: { env: entry() } });
    const flagFile = write(tmp(), 'flag.json', { clusters: { flag: entry() } });
    expect(
      (await load({ cwd, homedir: home, configFlag: flagFile, env: { PROXMOX_MCP_CONFIG: envFile } }))
        .defaultCluster,
    ).toBe('flag');
    expect((await load({ cwd, homedir: home, env: { PROXMOX_MCP_CONFIG: envFile } })).defaultCluster).toBe(
      'env',
    );
    expect((await load({ cwd, homedir: home })).defaultCluster).toBe('cwd');
    expect((await load({ cwd: tmp(), homedir: home })).defaultCluster).toBe('user');
  });

  it('finds .proxmox-mcprc.yaml too', async () => {
    const dir = tmp();
    write(
      dir,
      '.proxmox-mcprc.yaml',
      `clusters:\n  lab:\n    url: 10.0.0.5\n    user: root@pam\n    token_id: mcp\n    token_secret: ${SECRET}\n    verify_ssl: false\n`,
    );
    const cfg = await load({ cwd: dir });
    expect(cfg.clusters[0]).toMatchObject({ name: 'lab', tls: { mode: 'insecure' } });
  });

  it('explains what to do when nothing is configured', async () => {
    const err = await configError(load({ cwd: tmp() }));
    expect(err.message).toMatch(/no Proxmox cluster is configured/);
    expect(err.message).toMatch(/PROXMOX_URL/);
    expect(err.message).toMatch(/proxmox-mcp demo/);
  });

  it('falls back to PROXMOX_URL when PROXMOX_MCP_CONFIG names a missing file (container default), never for --config', async () => {
    const env = {
      PROXMOX_MCP_CONFIG: '/nonexistent/clusters.json',
      PROXMOX_URL: 'pve1',
      PROXMOX_TOKEN: `mcp@pve!mcp=${SECRET}`,
    };
    expect((await load({ cwd: tmp(), env })).source).toBe('environment');
    const err = await configError(load({ cwd: tmp(), env, configFlag: '/nonexistent/clusters.json' }));
    expect(err.message).toMatch(/config file not found \(given by --config\)/);
    const err2 = await configError(
      load({ cwd: tmp(), env: { PROXMOX_MCP_CONFIG: '/nonexistent/clusters.json' } }),
    );
    expect(err2.message).toMatch(/config file not found \(given by PROXMOX_MCP_CONFIG\)/);
  });

  it('names the file when --config points nowhere', async () => {
    const err = await configError(load({ cwd: tmp(), configFlag: '/nonexistent/clusters.json' }));
    expect(err.message).toMatch(/\/nonexistent\/clusters\.json: config file not found \(given by --config\)/);
  });
});

describe('config values', () => {
  it('interpolates ${ENV} and reports an unset variable with its key path', async () => {
    const dir = tmp();
    write(dir, 'clusters.json', { clusters: { prod: entry({ token_secret: '${PROD_SECRET}' }) } });
    expect((await load({ cwd: dir, env: { PROD_SECRET: SECRET } })).clusters[0]!.tokenSecret).toBe(SECRET);
    const err = await configError(load({ cwd: dir }));
    expect(err.keyPath).toBe('clusters.prod.token_secret');
    expect(err.message).toMatch(/environment variable PROD_SECRET is not set/);
  });

  it('reads token_secret_file relative to the config file', async () => {
    const dir = tmp();
    write(dir, 'secret.txt', SECRET + '\n');
    write(dir, 'clusters.json', {
      clusters: { prod: { ...entry(), token_secret: undefined, token_secret_file: 'secret.txt' } },
    });
    expect((await load({ cwd: dir })).clusters[0]!.tokenSecret).toBe(SECRET);
  });

  it('rejects unknown keys naming the key path and the key', async () => {
    const dir = tmp();
    const file = write(dir, 'clusters.json', { clusters: { prod: entry({ verify_tls: false }) } });
    const err = await configError(load({ cwd: dir }));
    expect(err.message).toContain(file);
    expect(err.message).toContain('clusters.prod');
    expect(err.message).toContain('"verify_tls"');
  });

  it.each([
    [{ url: 'http://pve1:8006' }, 'clusters.prod.url', /https only/],
    [{ url: 'https://pve1:8006/some/path' }, 'clusters.prod.url', /has a path/],
    [{ user: 'mcp' }, 'clusters.prod.user', /user@realm/],
    [{ token_id: 'mcp@pve!tok' }, 'clusters.prod.token_id', /token name only/],
    [{ fingerprint: 'AB:CD' }, 'clusters.prod.fingerprint', /SHA-256 fingerprint/],
    [{ timeout_ms: 5 }, 'clusters.prod.timeout_ms', /1000/],
  ])('rejects %o at %s', async (extra, keyPath, message) => {
    const dir = tmp();
    write(dir, 'clusters.json', { clusters: { prod: entry(extra) } });
    const err = await configError(load({ cwd: dir }));
    expect(err.keyPath).toBe(keyPath);
    expect(err.message).toMatch(message);
  });

  it('rejects a secret with whitespace or a newline (a paste mistake) as a config error', async () => {
    const dir = tmp();
    write(dir, 'clusters.json', { clusters: { prod: entry({ token_secret: `${SECRET}\r\n` }) } });
    const err = await configError(load({ cwd: dir }));
    expect(err.keyPath).toBe('clusters.prod.token_secret');
    expect(err.message).toMatch(/whitespace or a control character/);
    expect(err.message).not.toContain(SECRET);
  });

  it('requires a secret', async () => {
    const dir = tmp();
    write(dir, 'clusters.json', { clusters: { prod: { ...entry(), token_secret: undefined } } });
    const err = await configError(load({ cwd: dir }));
    expect(err.keyPath).toBe('clusters.prod.token_secret');
    expect(err.message).toMatch(/token_secret_file/);
  });

  it('reports malformed JSON with the file name', async () => {
    const dir = tmp();
    const file = write(dir, 'clusters.json', '{ "clusters": { ');
    const err = await configError(load({ cwd: dir }));
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/not valid JSON at line 1/);
  });

  it('normalises a fingerprint and picks the default cluster', async () => {
    const dir = tmp();
    const fp = 'ab'.repeat(32);
    write(dir, 'clusters.json', {
      default: 'b',
      clusters: { a: entry(), b: entry({ url: 'https://10.1.1.1:443/', fingerprint: fp }) },
    });
    const cfg = await load({ cwd: dir });
    expect(cfg.defaultCluster).toBe('b');
    expect(cfg.clusters[1]).toMatchObject({
      origin: 'https://10.1.1.1:443',
      tls: { mode: 'fingerprint', fingerprint: 'AB:'.repeat(31) + 'AB' },
    });
  });

  it('rejects a default that names no cluster', async () => {
    const dir = tmp();
    write(dir, 'clusters.json', { default: 'nope', clusters: { a: entry() } });
    const err = await configError(load({ cwd: dir }));
    expect(err.keyPath).toBe('default');
    expect(err.message).toMatch(/clusters: a/);
  });

  it('rejects contradicting TLS settings', async () => {
    const dir = tmp();
    write(dir, 'clusters.json', {
      clusters: { a: entry({ verify_ssl: false, fingerprint: 'ab'.repeat(32) }) },
    });
    const err = await configError(load({ cwd: dir }));
    expect(err.message).toMatch(/choose one TLS setting/);
  });
});

describe('single cluster from the environment', () => {
  it('accepts PROXMOX_URL + PROXMOX_TOKEN in the form PVE shows', async () => {
    const cfg = await load({
      cwd: tmp(),
      env: {
        PROXMOX_URL: '192.168.1.10',
        PROXMOX_TOKEN: `mcp@pve!mytoken=${SECRET}`,
        PROXMOX_VERIFY_SSL: 'false',
      },
    });
    expect(cfg.source).toBe('environment');
    expect(cfg.clusters[0]).toMatchObject({
      name: 'default',
      user: 'mcp@pve',
      tokenId: 'mytoken',
      tokenSecret: SECRET,
      origin: 'https://192.168.1.10:8006',
      tls: { mode: 'insecure' },
    });
  });

  it('accepts the split variables and a fingerprint', async () => {
    const cfg = await load({
      cwd: tmp(),
      env: {
        PROXMOX_URL: 'pve:8006',
        PROXMOX_USER: 'root@pam',
        PROXMOX_TOKEN_ID: 'mcp',
        PROXMOX_TOKEN_SECRET: SECRET,
        PROXMOX_FINGERPRINT: 'cd'.repeat(32),
      },
    });
    expect(cfg.clusters[0]!.tls).toEqual({ mode: 'fingerprint', fingerprint: 'CD:'.repeat(31) + 'CD' });
  });

  it('names the variable that is wrong', async () => {
    const err = await configError(
      load({ cwd: tmp(), env: { PROXMOX_URL: 'pve', PROXMOX_TOKEN: 'not-a-token' } }),
    );
    expect(err.keyPath).toBe('PROXMOX_TOKEN');
    const err2 = await configError(
      load({ cwd: tmp(), env: { PROXMOX_URL: 'pve', PROXMOX_USER: 'root@pam', PROXMOX_TOKEN_ID: 'mcp' } }),
    );
    expect(err2.keyPath).toBe('PROXMOX_TOKEN_SECRET');
    expect(err2.message).not.toContain(SECRET);
  });
});
