import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { metadataUrl } from '../../src/auth/protected-resource.js';
import {
  DEFAULT_ALGORITHMS,
  MAX_CLOCK_SKEW_SECONDS,
  resolveOAuthSettings,
} from '../../src/auth/oauth-settings.js';
import { checkAccessForOAuth, DEFAULT_ROLE_CLAIMS } from '../../src/config/access.js';
import { ConfigError } from '../../src/config/errors.js';
import { resolveConfigFile } from '../../src/config/resolve-file.js';
import { OPERATOR_RULES, roleOf } from '../../src/safety/roles.js';
import { assertSafeBind, resolveHttpSettings } from '../../src/transports/http/settings.js';
import { repoRoot } from '../helpers/cli.js';

/**
 * README "Remote access with OAuth": its examples run through the real parsers (the environment block
 * through the HTTP settings, the clusters.json block through the config resolver and the role lookup),
 * and its tables name what the code reads.
 */

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const section = (() => {
  const start = readme.indexOf('### Remote access with OAuth');
  const end = readme.indexOf('\n## ', start);
  const next = readme.indexOf('\n### ', start + 10);
  return readme.slice(start, Math.min(end, next === -1 ? end : next));
})();
const blocks = (lang: string) =>
  [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

/** `export K=V` lines of the shell example, and the flags of its command line. */
function shellExample() {
  const sh = blocks('sh')[0]!;
  const env: Record<string, string> = {};
  for (const m of sh.matchAll(/^export (\w+)=(\S+)/gm)) env[m[1]!] = m[2]!;
  const command = sh.split('\n').find((l) => l.startsWith('proxmox-mcp sse'))!;
  const flag = (name: string) => new RegExp(`--${name} (\\S+)`).exec(command)?.[1];
  return { env, host: flag('host')!, port: Number(flag('port')), config: flag('config')! };
}

describe('README: Remote access with OAuth', () => {
  it('exists, with one shell and one clusters.json example', () => {
    expect(section).toMatch(/^### Remote access with OAuth/);
    expect(blocks('sh')).toHaveLength(1);
    expect(blocks('json')).toHaveLength(1);
  });

  it('the shell example is a valid OAuth configuration for the settings parser, safe on 0.0.0.0', () => {
    const ex = shellExample();
    const settings = resolveHttpSettings({ host: ex.host, port: ex.port }, ex.env);
    expect(settings.authMode).toBe('oauth');
    expect(settings.oauth).toMatchObject({
      issuer: 'https://keycloak.example.com/realms/infra',
      publicUrl: 'https://mcp.example.com',
      requiredScopes: ['mcp:tools'],
    });
    expect(() => assertSafeBind(settings)).not.toThrow();
    // Reached by its public name through a proxy without MCP_ALLOWED_HOSTS, as the table says.
    expect(ex.env.MCP_ALLOWED_HOSTS).toBeUndefined();
    expect(settings.allowedHosts).toContain(new URL(ex.env.MCP_PUBLIC_URL!).hostname);
    // Without MCP_PUBLIC_URL the same listener is refused: the README says it is required there.
    const { MCP_PUBLIC_URL: _, ...withoutPublic } = ex.env;
    expect(() => resolveHttpSettings({ host: ex.host, port: ex.port }, withoutPublic)).toThrow(
      /MCP_PUBLIC_URL/,
    );
  });

  it('bearer and OAuth together are a configuration error (exit 78), as the table says', () => {
    const ex = shellExample();
    const both = { ...ex.env, MCP_AUTH_TOKEN: 'a-static-token-0123456789' };
    expect(() => resolveHttpSettings({ host: ex.host, port: ex.port }, both)).toThrow(ConfigError);
    expect(section).toMatch(/`MCP_AUTH_TOKEN` and `MCP_OAUTH_ISSUER` together are refused \(exit 78\)/);
  });

  it('the 401 example points where the server serves the metadata', () => {
    const ex = shellExample();
    expect(section).toContain(`resource_metadata="${metadataUrl(ex.env.MCP_PUBLIC_URL!, '/mcp')}"`);
    expect(section).toContain('oauth-protected-resource/sse');
  });

  it('the environment table lists exactly the variables the code reads, with its defaults', () => {
    const code = ['src/auth/oauth-settings.ts', 'src/transports/http/settings.ts']
      .map((f) => readFileSync(path.join(repoRoot, f), 'utf8'))
      .join('\n');
    const table = section.slice(section.indexOf('| environment'), section.indexOf('**What clients see.**'));
    // The variables each row is about: its first cell.
    const firstCells = table.split('\n').map((row) => row.split('|')[1] ?? '');
    const documented = new Set(
      firstCells.flatMap((c) => [...c.matchAll(/`(MCP_[A-Z_]+)`/g)].map((m) => m[1]!)),
    );
    const oauthVars = new Set(
      [...code.matchAll(/env\.(MCP_(?:OAUTH_[A-Z_]+|AUTH_MODE|PUBLIC_URL))/g)].map((m) => m[1]!),
    );
    for (const v of oauthVars) expect(documented, `${v} read by the code`).toContain(v);
    for (const v of documented)
      if (v !== 'MCP_AUTH_TOKEN') expect(oauthVars, `${v} in the README`).toContain(v);
    expect(table).toContain(`\`${DEFAULT_ALGORITHMS.join(',')}\``);
    const defaults = resolveOAuthSettings({ MCP_OAUTH_ISSUER: 'https://idp.example.com' }, '127.0.0.1');
    expect(table).toMatch(new RegExp(`MCP_OAUTH_CLOCK_SKEW\`\\s*\\|\\s*\`${defaults.clockSkewSeconds}\``));
    expect(table).toContain(`0–${MAX_CLOCK_SKEW_SECONDS}`);
    expect(table).toMatch(new RegExp(`MCP_OAUTH_INTROSPECTION\`\\s*\\|\\s*\`${defaults.introspection}\``));
  });

  it('the clusters.json example passes the real config resolver, and gives the roles the text says', () => {
    const raw: unknown = JSON.parse(blocks('json')[0]!);
    const config = resolveConfigFile(raw, '/etc/proxmox-mcp/clusters.json', {
      PVE_PROD_TOKEN_SECRET: '00000000-0000-0000-0000-000000000000',
    });
    expect(checkAccessForOAuth(config)).toEqual([]);
    const prod = config.clusters.find((c) => c.name === 'prod')!;
    const lab = config.clusters.find((c) => c.name === 'lab')!;
    expect(lab.tokenFrom).toBe('user');
    expect(prod.tokenFrom).toBeUndefined();
    const person = (groups: string[]) => ({
      subject: 's',
      issuer: 'https://keycloak.example.com/realms/infra',
      claims: { groups },
      scopes: [],
    });
    // The top-level access applies to lab; prod's own replaces it (operators only read there).
    expect(roleOf(person(['pve-operators']), lab.access!)?.role).toBe('operator');
    expect(roleOf(person(['pve-operators']), prod.access!)?.role).toBe('reader');
    expect(roleOf(person(['pve-admins', 'pve-readers']), lab.access!)?.role).toBe('admin');
    expect(roleOf(person(['contractors']), lab.access!)).toBeUndefined();
    expect(section).toContain(`(\`${DEFAULT_ROLE_CLAIMS.join('`, `')}\` by default)`);
  });

  it('the operator row names every power action the operator rules allow', () => {
    const row = section.split('\n').find((l) => l.startsWith('| `operator`'))!;
    const actions = new Set(OPERATOR_RULES.flatMap((r) => /\/status\/(\w+)$/.exec(r)?.[1] ?? []));
    expect(actions.size).toBeGreaterThan(5);
    for (const a of actions) expect(row).toContain(a);
    expect(row).toContain('vzdump');
    expect(OPERATOR_RULES.some((r) => r.endsWith('/vzdump'))).toBe(true);
  });

  it('says how a client sends its own Proxmox token, in the header the server reads', async () => {
    const { PERSONAL_TOKEN_HEADER } = await import('../../src/auth/caller.js');
    expect(section.toLowerCase()).toContain(`\`${PERSONAL_TOKEN_HEADER}\``);
    expect(section).toMatch(/--header\s+"X-Proxmox-Token: \w+@\w+!\w+=<secret>"/);
  });
});
