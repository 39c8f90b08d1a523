import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { DEMO_TOKEN_SECRET, startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { assertBuilt, binPath, envFor, runCli } from '../helpers/cli.js';

/**
 * A config file found by search (a clusters.json in the directory the client started the server in)
 * and a complete PROXMOX_URL/PROXMOX_TOKEN environment: the environment wins, and the server says so
 * on stderr and in list_clusters; an explicit --config wins over the environment, and when it cannot
 * be loaded the error names the environment it could have used.
 */
const fileCluster = (url: string, secret = 'file-secret-0000') =>
  JSON.stringify({
    clusters: {
      fromfile: { url, user: 'root@pam', token_id: 'mcp', token_secret: secret, verify_ssl: false },
    },
  });

function dirWith(content: string): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-prec-'));
  const file = path.join(dir, 'clusters.json');
  writeFileSync(file, content);
  return { dir, file };
}

const ENV = {
  PROXMOX_URL: 'https://pve-env.invalid:8006',
  PROXMOX_TOKEN: 'root@pam!mcp=env-secret-0000',
};

describe('config file vs complete environment (loadConfig)', () => {
  it('a complete environment wins over a file found by search, and the choice is stated', async () => {
    const { dir, file } = dirWith(fileCluster('https://pve-file.invalid:8006'));
    const loaded = await loadConfig({ env: ENV, cwd: dir, homedir: dir });
    expect(loaded.source).toBe('environment');
    expect(loaded.clusters.map((c) => c.host)).toEqual(['pve-env.invalid']);
    expect(loaded.configChoice).toContain(`ignoring ${file} (found in the working directory)`);
    expect(loaded.configChoice).toMatch(/unset PROXMOX_URL or pass --config/);
  });

  it('an explicit --config wins over the environment, and says the environment is ignored', async () => {
    const { dir, file } = dirWith(fileCluster('https://pve-file.invalid:8006'));
    const loaded = await loadConfig({ env: ENV, cwd: dir, homedir: dir, configFlag: file });
    expect(loaded.clusters.map((c) => c.name)).toEqual(['fromfile']);
    expect(loaded.configChoice).toMatch(/given by --config.*environment is ignored: an explicit file wins/);
  });

  it('an explicit file that cannot be loaded fails, naming the environment it could use instead', async () => {
    const { dir, file } = dirWith(fileCluster('https://pve-file.invalid:8006', '${NOT_SET_ANYWHERE}'));
    await expect(loadConfig({ env: ENV, cwd: dir, homedir: dir, configFlag: file })).rejects.toThrow(
      /NOT_SET_ANYWHERE[\s\S]*environment is complete, but --config names a file[\s\S]*drop --config/,
    );
  });

  it('an incomplete environment beside a found file: the file is used, and the reason stated', async () => {
    const { dir } = dirWith(fileCluster('https://pve-file.invalid:8006'));
    const loaded = await loadConfig({ env: { PROXMOX_URL: 'pve' }, cwd: dir, homedir: dir });
    expect(loaded.clusters.map((c) => c.name)).toEqual(['fromfile']);
    expect(loaded.configChoice).toMatch(
      /PROXMOX_URL is set but the environment is incomplete \(.*PROXMOX_USER/,
    );
  });
});

describe('config precedence with the built binary', () => {
  let sim: Simulator;
  beforeAll(async () => {
    assertBuilt();
    sim = await startSimulator({ taskDurationMs: 50 });
  });
  afterAll(async () => sim?.close());

  it('a clusters.json in the working directory that references an unset variable does not stop a complete environment', async () => {
    const { dir, file } = dirWith(fileCluster('https://pve-file.invalid:8006', '${NOT_SET_ANYWHERE}'));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [binPath],
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, ...envFor(sim) },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const client = new Client({ name: 'precedence', version: '1' });
    await client.connect(transport);
    try {
      const r = (await client.callTool({ name: 'list_clusters', arguments: {} })) as CallToolResult;
      const s = r.structuredContent as { clusters: Array<{ name: string; state: string }>; config?: string };
      expect(s.clusters).toEqual([expect.objectContaining({ name: 'default', state: 'ok' })]);
      expect(s.config).toContain(`ignoring ${file}`);
      const text = r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
      expect(text).toContain('Configuration: using the PROXMOX_URL/PROXMOX_TOKEN environment');
    } finally {
      await client.close();
    }
    expect(stderr).toMatch(/configuration: using the PROXMOX_URL\/PROXMOX_TOKEN environment.*ignoring/);
    expect(stderr).toContain(file);
    expect(stderr).not.toContain(DEMO_TOKEN_SECRET);
  });

  it('--config naming that file fails with exit 78 and names the environment fallback', async () => {
    const { dir, file } = dirWith(fileCluster('https://pve-file.invalid:8006', '${NOT_SET_ANYWHERE}'));
    const r = await runCli(['--config', file], { cwd: dir, env: { ...envFor(sim), HOME: dir } });
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/NOT_SET_ANYWHERE/);
    expect(r.stderr).toMatch(/environment is complete, but --config names a file.*drop --config/s);
  });
});
