import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { maskSecretValues } from '../../src/config/errors.js';
import { asConfigError } from '../../src/config/locate.js';
import { configError } from '../helpers/config-error.js';
import { registerSecret } from '../helpers/recording.js';

// Issue 13: configuration errors a new user meets, in their terms, with the fix, never with a secret.

const SECRET = '0b7e3c1a-2222-4d5e-8f90-1234567890ab';
registerSecret(SECRET);

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'pmcp-first-'));
const load = (cwd: string, env: Record<string, string> = {}) => loadConfig({ cwd, env, homedir: tmp() });

function fileWith(text: string): string {
  const dir = tmp();
  writeFileSync(path.join(dir, 'clusters.json'), text);
  return dir;
}

describe('unknown keys', () => {
  it('suggest the key that was meant, and drop "is required" for the key suggested', async () => {
    const dir = fileWith(
      JSON.stringify({
        clusters: {
          prod: { url: 'pve1', user: 'mcp@pve', tokenid: 'mcp', token_secret: SECRET, verify_sll: false },
        },
      }),
    );
    const err = await configError(load(dir));
    expect(err.message).toContain('"tokenid" (did you mean "token_id"?)');
    expect(err.message).toContain('"verify_sll" (did you mean "verify_ssl"?)');
    expect(err.message).not.toMatch(/token_id: is required/);
  });

  it('suggest at the top level, and nothing for a key that resembles none', async () => {
    const dir = fileWith(JSON.stringify({ readonly: true, colour: 'x', clusters: {} }));
    const err = await configError(load(dir));
    expect(err.message).toContain('"readonly" (did you mean "read_only"?)');
    expect(err.message).toMatch(/"colour"(?! \(did)/);
  });
});

describe('JSON syntax errors', () => {
  it('give line, column and the line, with the secret masked', async () => {
    const dir = fileWith(
      `{\n  "clusters": {\n    "prod": { "url": "pve1", "token_secret": "${SECRET}",, }\n  }\n}\n`,
    );
    const err = await configError(load(dir));
    expect(err.message).toMatch(/not valid JSON at line 3, column \d+: Expected double-quoted property name/);
    expect(err.message).toContain('3 |     "prod": { "url": "pve1", "token_secret": "***",, }');
    expect(err.message).not.toContain(SECRET);
  });

  it('mask a secret whose closing quote is missing (the error is inside it)', async () => {
    const dir = fileWith(`{\n  "clusters": {\n    "prod": { "token_secret": "${SECRET} }\n  }\n}\n`);
    const err = await configError(load(dir));
    expect(err.message).toMatch(/not valid JSON at line 3/);
    expect(err.message).not.toContain(SECRET);
    expect(err.message).not.toContain(SECRET.slice(0, 8));
  });

  it('masking covers the secret-like keys in every quoting', () => {
    expect(maskSecretValues(`"token_secret": "abc", "user": "u@pve"`)).toBe(
      `"token_secret": "***", "user": "u@pve"`,
    );
    expect(maskSecretValues(`token_secret: 'abc'`)).toBe(`token_secret: '***'`);
    expect(maskSecretValues(`"password":abc,`)).toBe(`"password":***,`);
    expect(maskSecretValues(`"api_key": "a\\"b"`)).toBe(`"api_key": "***"`);
  });
});

describe('single-cluster environment given in part', () => {
  it('PROXMOX_TOKEN without PROXMOX_URL says PROXMOX_URL is missing, with the line to add', async () => {
    const err = await configError(load(tmp(), { PROXMOX_TOKEN: `mcp@pve!mcp=${SECRET}` }));
    expect(err.message).toContain('PROXMOX_TOKEN is set but PROXMOX_URL is not');
    expect(err.message).toContain('PROXMOX_URL=https://');
    expect(err.message).not.toContain(SECRET);
  });

  it('PROXMOX_URL alone asks for the token (not for PROXMOX_USER first)', async () => {
    const err = await configError(load(tmp(), { PROXMOX_URL: 'pve1.example.com' }));
    expect(err.keyPath).toBe('PROXMOX_TOKEN');
    expect(err.message).toContain("PROXMOX_TOKEN='user@realm!tokenid=<secret>'");
    expect(err.message).not.toMatch(/PROXMOX_USER: is not set/);
  });
});

describe('a coloured code frame (cosmiconfig colours it when the environment looks colour-capable, e.g. CI=true)', () => {
  it('still gives line, column and the masked line, with no escape codes', () => {
    const esc = '\u001b';
    const coloured =
      `JSON Error in /x/clusters.json: \n\n${esc}[0m ${esc}[90m 1 |${esc}[39m {\n` +
      `${esc}[31m${esc}[1m>${esc}[22m${esc}[39m${esc}[90m 2 |${esc}[39m  "token_secret": "${SECRET}\n` +
      ` ${esc}[90m   |${esc}[39m  ${esc}[31m${esc}[1m^${esc}[22m${esc}[39m\n\n` +
      `Unterminated string in JSON at position 20 while parsing '{ "token_secret": "${SECRET}' \n`;
    const err = asConfigError(new Error(coloured), '/x/clusters.json');
    expect(err.message).toMatch(/not valid JSON at line 2, column \d+/);
    expect(err.message).toContain('2 |');
    expect(err.message).not.toContain(esc);
    expect(err.message).not.toContain(SECRET.slice(0, 8));
  });
});
