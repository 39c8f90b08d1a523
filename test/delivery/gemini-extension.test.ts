import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertBuilt, repoRoot } from '../helpers/cli.js';
import { run } from '../helpers/process.js';

// Issue 13: the Gemini CLI extension's manifest and launcher (test/e2e/gemini-extension.e2e.ts
// installs it with the real Gemini CLI).

interface GeminiExtension {
  name: string;
  version: string;
  contextFileName: string;
  mcpServers: Record<string, { command: string; args: string[] }>;
  settings: Array<{ name: string; envVar: string; sensitive?: boolean }>;
}
const ext = JSON.parse(readFileSync(path.join(repoRoot, 'gemini-extension.json'), 'utf8')) as GeminiExtension;
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

describe('gemini-extension.json', () => {
  it('is named after the package, at its version, with a context file that exists', () => {
    expect(ext).toMatchObject({ name: pkg.name, version: pkg.version });
    expect(readFileSync(path.join(repoRoot, ext.contextFileName), 'utf8')).toMatch(/proxmox_api_describe/);
  });

  it('runs its launcher with node, and asks for the settings the server reads, the token as a secret', () => {
    expect(ext.mcpServers.proxmox).toEqual({
      command: 'node',
      args: ['${extensionPath}${/}gemini-extension${/}start.mjs'],
      timeout: 30000,
    });
    expect(ext.settings.map((s) => s.envVar)).toEqual([
      'PROXMOX_URL',
      'PROXMOX_TOKEN',
      'PROXMOX_FINGERPRINT',
      'PROXMOX_MCP_READ_ONLY',
    ]);
    expect(ext.settings.filter((s) => s.sensitive).map((s) => s.envVar)).toEqual(['PROXMOX_TOKEN']);
  });
});

describe('gemini-extension/start.mjs', () => {
  it('in a built checkout, runs that build', async () => {
    assertBuilt();
    const r = await run(
      process.execPath,
      [path.join(repoRoot, 'gemini-extension', 'start.mjs'), '--version'],
      {
        cwd: os.tmpdir(),
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('in a fresh clone (no build), runs the published package at its version through npx', async () => {
    const clone = mkdtempSync(path.join(os.tmpdir(), 'pmcp-gemini-clone-'));
    mkdirSync(path.join(clone, 'gemini-extension'));
    copyFileSync(
      path.join(repoRoot, 'gemini-extension', 'start.mjs'),
      path.join(clone, 'gemini-extension', 'start.mjs'),
    );
    copyFileSync(path.join(repoRoot, 'package.json'), path.join(clone, 'package.json'));
    // A stand-in npx that says how it was called.
    const bin = path.join(clone, 'fake-bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'npx'), '#!/bin/sh\necho "npx $*"\nexit 3\n');
    chmodSync(path.join(bin, 'npx'), 0o755);
    const r = await run(process.execPath, [path.join(clone, 'gemini-extension', 'start.mjs'), 'stdio'], {
      cwd: clone,
      env: { PATH: `${bin}:${process.env.PATH ?? ''}` },
    });
    expect(r.stdout.trim()).toBe(`npx -y proxmox-mcp@${pkg.version} stdio`);
    expect(r.code).toBe(3);
  });
});
