import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN_SECRET, startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { assertBuilt, repoRoot } from '../helpers/cli.js';
import { run } from '../helpers/process.js';
import { installClients, type Clients } from './install-clients.js';

/**
 * Issue 13: the Gemini CLI extension (gemini-extension.json at the repository root), installed with
 * the real Gemini CLI into a throwaway HOME (`gemini extensions link`, what `install` does for a
 * checkout, answering its settings questions on a pseudo-terminal), then `gemini mcp list` must show
 * its server Connected to a simulated cluster configured the way `init` does it.
 */
let clients: Clients;
let sim: Simulator;
beforeAll(async () => {
  assertBuilt();
  clients = installClients();
  sim = await startSimulator();
});
afterAll(async () => sim?.close());

// eslint-disable-next-line no-control-regex
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

/** Runs Gemini on a pseudo-terminal (util-linux script), pressing Enter at each question. */
function onTerminal(
  args: string[],
  opts: { cwd: string; env: Record<string, string> },
): Promise<{ code: number | null; out: string }> {
  const command = [process.execPath, clients.gemini, ...args]
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH ?? '', TERM: 'dumb', ...opts.env },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    // Every setting is left empty: the server then reads ~/.config/proxmox-mcp/clusters.json.
    const enter = setInterval(() => child.stdin.write('\r'), 400);
    const kill = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gemini ${args.join(' ')} did not finish:\n${plain(out)}`));
    }, 60_000);
    child.on('close', (code) => {
      clearInterval(enter);
      clearTimeout(kill);
      resolve({ code, out: plain(out) });
    });
  });
}

describe('Gemini CLI extension', () => {
  it('validates, links into a fresh HOME, and its server shows Connected in gemini mcp list', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'pmcp-gemini-ext-'));
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'pmcp-gemini-ws-'));
    const env = { HOME: home, GEMINI_CLI_TRUST_WORKSPACE: 'true', NO_COLOR: '1' };
    const validated = await run(process.execPath, [clients.gemini, 'extensions', 'validate', repoRoot], {
      cwd: workspace,
      env,
    });
    expect(validated.code, validated.stdout + validated.stderr).toBe(0);

    const linked = await onTerminal(['extensions', 'link', repoRoot, '--consent'], { cwd: workspace, env });
    expect(linked.code, linked.out).toBe(0);
    expect(linked.out).toContain('Extension "proxmox-mcp" linked successfully');

    // The cluster, as `proxmox-mcp init` writes it (literal secret only because this is a test).
    mkdirSync(path.join(home, '.config', 'proxmox-mcp'), { recursive: true });
    writeFileSync(
      path.join(home, '.config', 'proxmox-mcp', 'clusters.json'),
      JSON.stringify({
        clusters: {
          demo: {
            url: sim.url,
            user: 'root@pam',
            token_id: 'mcp',
            token_secret: DEMO_TOKEN_SECRET,
            fingerprint: sim.fingerprint,
          },
        },
      }),
    );
    const listed = await run(process.execPath, [clients.gemini, 'extensions', 'list'], {
      cwd: workspace,
      env,
    });
    expect(plain(listed.stdout + listed.stderr)).toMatch(
      /proxmox-mcp \(\d+\.\d+\.\d+\)[\s\S]*CONTEXT\.md[\s\S]*MCP servers:\s+proxmox/,
    );

    const mcp = await run(process.execPath, [clients.gemini, 'mcp', 'list'], {
      cwd: workspace,
      env,
      timeoutMs: 90_000,
    });
    const out = plain(mcp.stdout + mcp.stderr);
    console.log(`gemini mcp list (extension):\n${out.trim()}`);
    expect(out).toMatch(/proxmox \(from proxmox-mcp\): .*start\.mjs \(stdio\) - Connected/);
  }, 120_000);
});
