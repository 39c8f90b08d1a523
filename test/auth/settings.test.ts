import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { resolveHttpSettings } from '../../src/transports/http/settings.js';

const ISSUER = 'https://id.example.com/realms/infra';
const TOKEN = 'a-static-bearer-token-0123456789';

function refusal(env: Record<string, string>, host = '127.0.0.1'): ConfigError {
  try {
    resolveHttpSettings({ host }, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`accepted: ${JSON.stringify(env)}`);
}

describe('auth mode', () => {
  it('is inferred: a token means bearer, an issuer means oauth, neither means none', () => {
    expect(resolveHttpSettings({}, { MCP_AUTH_TOKEN: TOKEN }).authMode).toBe('bearer');
    expect(resolveHttpSettings({}, { MCP_OAUTH_ISSUER: ISSUER }).authMode).toBe('oauth');
    expect(resolveHttpSettings({}, {}).authMode).toBe('none');
  });

  it('bearer and OAuth both configured is refused, naming both, whatever MCP_AUTH_MODE says', () => {
    for (const mode of ['', 'bearer', 'oauth']) {
      const e = refusal({ MCP_AUTH_TOKEN: TOKEN, MCP_OAUTH_ISSUER: ISSUER, MCP_AUTH_MODE: mode });
      expect(e.message).toMatch(/MCP_AUTH_TOKEN.*MCP_OAUTH_ISSUER/);
    }
    const file = path.join(os.tmpdir(), `mcp-token-${process.pid}`);
    writeFileSync(file, TOKEN);
    expect(refusal({ MCP_AUTH_TOKEN_FILE: file, MCP_OAUTH_ISSUER: ISSUER }).message).toMatch(/both/);
  });

  it('an explicit mode must have what it needs, and nothing of the other', () => {
    expect(refusal({ MCP_AUTH_MODE: 'oauth' }).message).toMatch(
      /MCP_AUTH_MODE: oauth mode needs MCP_OAUTH_ISSUER/,
    );
    expect(refusal({ MCP_AUTH_MODE: 'bearer' }).message).toMatch(/needs MCP_AUTH_TOKEN/);
    expect(refusal({ MCP_AUTH_MODE: 'none', MCP_AUTH_TOKEN: TOKEN }).message).toMatch(
      /MCP_AUTH_TOKEN is set/,
    );
    expect(refusal({ MCP_AUTH_MODE: 'jwt' }).message).toMatch(/expected bearer, oauth or none, got "jwt"/);
    expect(resolveHttpSettings({}, { MCP_AUTH_MODE: 'OAuth', MCP_OAUTH_ISSUER: ISSUER }).authMode).toBe(
      'oauth',
    );
  });

  it('OAuth counts as authentication for a non-loopback listener; none still needs --no-auth', () => {
    const s = resolveHttpSettings(
      { host: '0.0.0.0' },
      { MCP_OAUTH_ISSUER: ISSUER, MCP_PUBLIC_URL: 'https://mcp.example.com' },
    );
    expect(s.oauth?.publicUrl).toBe('https://mcp.example.com');
    expect(refusal({}, '0.0.0.0').message).toMatch(/without authentication/);
  });
});

describe('OAuth settings', () => {
  const base = { MCP_OAUTH_ISSUER: ISSUER };
  const oauth = (env: Record<string, string>, host = '127.0.0.1') =>
    resolveHttpSettings({ host }, { ...base, ...env }).oauth!;

  it("MCP_PUBLIC_URL's host name is an allowed Host (it is the name clients use), beside MCP_ALLOWED_HOSTS", () => {
    const s = resolveHttpSettings(
      { host: '0.0.0.0' },
      { ...base, MCP_PUBLIC_URL: 'https://MCP.example.com:8443/base', MCP_ALLOWED_HOSTS: 'mcp.internal' },
    );
    expect(s.allowedHosts).toEqual(['mcp.internal', 'mcp.example.com']);
  });

  it('defaults: audience from the resource, no scopes, asymmetric algorithms, 30 s skew, introspection auto', () => {
    const o = oauth({});
    expect(o.issuer).toBe(ISSUER);
    expect(o.publicUrl).toBeUndefined();
    expect(o.audience).toBeUndefined();
    expect(o.requiredScopes).toEqual([]);
    expect(o.algorithms).toEqual(['RS256', 'PS256', 'ES256', 'EdDSA']);
    expect(o.clockSkewSeconds).toBe(30);
    expect(o.introspection).toBe('auto');
  });

  it('reads every variable', () => {
    const secretFile = path.join(os.tmpdir(), `mcp-client-secret-${process.pid}`);
    writeFileSync(secretFile, 'client-secret-from-file\n');
    const o = oauth(
      {
        MCP_PUBLIC_URL: 'https://mcp.example.com/',
        MCP_OAUTH_AUDIENCE: 'proxmox-mcp, https://mcp.example.com/mcp',
        MCP_OAUTH_SCOPES: 'mcp:tools,proxmox  openid',
        MCP_OAUTH_ALGORITHMS: 'ES256 RS512',
        MCP_OAUTH_CLOCK_SKEW: '120',
        MCP_OAUTH_KEYS_REFETCH: '5',
        MCP_OAUTH_NAME_CLAIM: 'upn',
        MCP_OAUTH_INTROSPECTION: 'on',
        MCP_OAUTH_CLIENT_ID: 'mcp-rs',
        MCP_OAUTH_CLIENT_SECRET_FILE: secretFile,
      },
      '0.0.0.0',
    );
    expect(o).toMatchObject({
      publicUrl: 'https://mcp.example.com',
      audience: ['proxmox-mcp', 'https://mcp.example.com/mcp'],
      requiredScopes: ['mcp:tools', 'proxmox', 'openid'],
      algorithms: ['ES256', 'RS512'],
      clockSkewSeconds: 120,
      jwksCooldownMs: 5_000,
      nameClaim: 'upn',
      introspection: 'on',
      clientId: 'mcp-rs',
      clientSecret: 'client-secret-from-file',
    });
  });

  const bad: Array<[string, Record<string, string>, RegExp, string?]> = [
    [
      'an issuer that is not a URL',
      { MCP_OAUTH_ISSUER: 'keycloak' },
      /MCP_OAUTH_ISSUER: "keycloak" is not a URL/,
    ],
    [
      'an issuer over plain http elsewhere',
      { MCP_OAUTH_ISSUER: 'http://id.example.com' },
      /MCP_OAUTH_ISSUER: .*must use https/,
    ],
    ['no public URL on a non-loopback listener', {}, /MCP_PUBLIC_URL: OAuth on 0\.0\.0\.0 needs/, '0.0.0.0'],
    [
      'a public URL over plain http elsewhere',
      { MCP_PUBLIC_URL: 'http://mcp.example.com' },
      /MCP_PUBLIC_URL: .*https/,
    ],
    [
      'a public URL with a query',
      { MCP_PUBLIC_URL: 'https://mcp.example.com/?x=1' },
      /MCP_PUBLIC_URL: .*query/,
    ],
    ['alg none', { MCP_OAUTH_ALGORITHMS: 'RS256,none' }, /MCP_OAUTH_ALGORITHMS: "none" cannot be accepted/],
    [
      'an HMAC algorithm',
      { MCP_OAUTH_ALGORITHMS: 'HS256' },
      /MCP_OAUTH_ALGORITHMS: "HS256" cannot be accepted/,
    ],
    ['an unknown algorithm', { MCP_OAUTH_ALGORITHMS: 'RS999' }, /unknown algorithm "RS999"/],
    [
      'a clock skew above 300 s',
      { MCP_OAUTH_CLOCK_SKEW: '301' },
      /MCP_OAUTH_CLOCK_SKEW: expected whole seconds from 0 to 300/,
    ],
    ['a clock skew that is not a number', { MCP_OAUTH_CLOCK_SKEW: '30s' }, /MCP_OAUTH_CLOCK_SKEW/],
    [
      'a key refetch interval of 0 (no bound on unknown-kid fetches)',
      { MCP_OAUTH_KEYS_REFETCH: '0' },
      /MCP_OAUTH_KEYS_REFETCH: expected whole seconds from 1 to 3600/,
    ],
    [
      'an unknown introspection mode',
      { MCP_OAUTH_INTROSPECTION: 'yes' },
      /MCP_OAUTH_INTROSPECTION: expected auto, on or off/,
    ],
    [
      'introspection on without credentials',
      { MCP_OAUTH_INTROSPECTION: 'on' },
      /MCP_OAUTH_CLIENT_ID and MCP_OAUTH_CLIENT_SECRET/,
    ],
    [
      'a client id without a secret',
      { MCP_OAUTH_CLIENT_ID: 'mcp-rs' },
      /MCP_OAUTH_CLIENT_SECRET: .*go together/,
    ],
    [
      'an unreadable secret file',
      { MCP_OAUTH_CLIENT_ID: 'x', MCP_OAUTH_CLIENT_SECRET_FILE: '/nonexistent/s' },
      /MCP_OAUTH_CLIENT_SECRET_FILE: cannot read .*ENOENT/,
    ],
  ];
  it.each(bad)('refuses %s', (_name, env, message, host) => {
    expect(refusal({ ...base, ...env }, host).message).toMatch(message);
  });
});
