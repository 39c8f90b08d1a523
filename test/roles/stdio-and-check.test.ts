import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { assertBuilt, binPath, repoRoot, runCli } from '../helpers/cli.js';
import { textOf } from '../helpers/harness.js';

/**
 * The built binary with a `token_from: "user"` cluster: over stdio no request can carry a person's
 * token, which start-up says and each call repeats; `check` explains why it tries no token.
 */

let sim: Simulator;
let config: string;
beforeAll(async () => {
  assertBuilt();
  sim = await startSimulator();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-tfu-cli-'));
  config = path.join(dir, 'clusters.json');
  writeFileSync(
    config,
    JSON.stringify({ clusters: { lab: { url: sim.url, token_from: 'user', fingerprint: sim.fingerprint } } }),
  );
});
afterAll(() => sim?.close());

describe('token_from "user" in the built binary', () => {
  it('stdio start-up says the cluster is unusable there, and a call is refused saying why; nothing reaches the API', async () => {
    const started = await runCli(['--config', config], { input: '', timeoutMs: 15_000 });
    expect(started.stderr).toMatch(
      /cluster "lab" takes each person's own API token \(token_from "user"\).*over stdio it is unusable/,
    );
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [binPath, '--config', config],
        cwd: repoRoot,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
        stderr: 'ignore',
      }),
    );
    try {
      const r = (await client.callTool({ name: 'list_nodes', arguments: {} })) as CallToolResult;
      expect(r.isError).toBe(true);
      expect(textOf(r)).toContain('this request came without one');
      expect(textOf(r)).toContain('over stdio there is no header, so such a cluster cannot be used there');
    } finally {
      await client.close();
    }
    expect(sim.requests.filter((q) => q.path.startsWith('/api2/'))).toEqual([]);
  });

  it('check skips the token step saying why, checks the schema, and exits 0', async () => {
    const r = await runCli(['check', '--config', config], { timeoutMs: 30_000 });
    expect(r.stdout + r.stderr).toMatch(
      /token_from is "user": each person's request carries their own API token/,
    );
    expect(r.stdout).toMatch(/lab is usable/);
    expect(r.code).toBe(0);
  });
});
