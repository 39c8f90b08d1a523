import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { resolveConfigFile } from '../../src/config/load.js';
import { UsageError, withConfirmation } from '../../src/cli/shared.js';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { assertBuilt, envFor, runCli } from '../helpers/cli.js';

/**
 * The `confirmation` setting (client-approval | strict): clusters.json at the top level and per
 * cluster, PROXMOX_MCP_CONFIRMATION, --confirmation; flag > environment > file > default, like
 * read-only. A misspelt value is an error, never a silent default. `check` states it.
 */
const entry = { url: 'pve.example.com', user: 'mcp@pve', token_id: 'mcp', token_secret: 'x' };

describe('the confirmation setting', () => {
  const saved = process.env.PROXMOX_MCP_CONFIRMATION;
  afterEach(() => {
    if (saved === undefined) delete process.env.PROXMOX_MCP_CONFIRMATION;
    else process.env.PROXMOX_MCP_CONFIRMATION = saved;
  });

  it("clusters.json: top level for every cluster, a cluster's own key wins; absent: the default (no setting)", () => {
    const loaded = resolveConfigFile(
      {
        confirmation: 'strict',
        clusters: { a: entry, b: { ...entry, confirmation: 'client-approval' } },
      },
      '/etc/pmcp/clusters.json',
      {},
    );
    expect(loaded.clusters.map((c) => c.confirmation)).toEqual([
      { mode: 'strict', source: 'top-level confirmation: "strict" in /etc/pmcp/clusters.json' },
      {
        mode: 'client-approval',
        source: 'confirmation: "client-approval" for cluster "b" in /etc/pmcp/clusters.json',
      },
    ]);
    const plain = resolveConfigFile({ clusters: { a: entry } }, 'f.json', {});
    expect(plain.clusters[0]!.confirmation).toBeUndefined();
  });

  it('a misspelt value in the file stops start-up naming the key and the valid values', () => {
    const err = (() => {
      try {
        resolveConfigFile({ clusters: { a: { ...entry, confirmation: 'stict' } } }, 'f.json', {});
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(String((err as Error).message)).toMatch(/clusters\.a\.confirmation|client-approval.*strict/);
    expect(String((err as Error).message)).toMatch(/"client-approval".*"strict"/);
  });

  it('--confirmation beats PROXMOX_MCP_CONFIRMATION, which beats the file, for every cluster', () => {
    const file = resolveConfigFile({ confirmation: 'strict', clusters: { a: entry } }, 'f.json', {});
    expect(withConfirmation(file, {}).clusters[0]!.confirmation?.mode).toBe('strict');
    process.env.PROXMOX_MCP_CONFIRMATION = 'client-approval';
    expect(withConfirmation(file, {}).clusters[0]!.confirmation).toEqual({
      mode: 'client-approval',
      source: 'PROXMOX_MCP_CONFIRMATION=client-approval',
    });
    expect(withConfirmation(file, { confirmation: 'strict' }).clusters[0]!.confirmation).toEqual({
      mode: 'strict',
      source: '--confirmation strict',
    });
    process.env.PROXMOX_MCP_CONFIRMATION = 'off';
    expect(() => withConfirmation(file, {})).toThrow(UsageError);
    expect(() => withConfirmation(file, {})).toThrow(
      /PROXMOX_MCP_CONFIRMATION: "off" is not a confirmation mode/,
    );
  });
});

describe('proxmox-mcp check', () => {
  let sim: Simulator;
  beforeAll(async () => {
    assertBuilt();
    sim = await startSimulator();
  });
  afterAll(async () => sim?.close());

  it('states what confirm rules do for each kind of client', async () => {
    const def = await runCli(['check'], { env: envFor(sim), timeoutMs: 20_000 });
    expect(def.stdout).toMatch(
      /confirm rules: clients with MCP elicitation are asked; for other clients matching requests are sent .*"client-approval" \(the default/,
    );
    const strict = await runCli(['check', '--confirmation', 'strict'], {
      env: envFor(sim),
      timeoutMs: 20_000,
    });
    expect(strict.stdout).toMatch(
      /for other clients matching requests are refused; confirmation "strict" \(--confirmation strict\)/,
    );
    const ro = await runCli(['check', '--read-only'], { env: envFor(sim), timeoutMs: 20_000 });
    expect(ro.stdout).not.toMatch(/confirm rules:/);
  }, 60_000);
});
