import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Caller, CallerExtra } from '../../src/auth/caller.js';
import type { AccessSetting } from '../../src/config/types.js';
import type { Harness } from '../helpers/harness.js';

/**
 * People for the role tests: what the HTTP layer's OAuth check hands the tool layer (src/auth/caller.ts),
 * carried the way the SDK carries it, as `authInfo` on each message of the in-memory transport
 * (InMemoryTransport.send(message, { authInfo })), so the server receives it as `extra.authInfo`.
 */
export function person(subject: string, opts: { name?: string; groups?: string[] } = {}): Caller {
  return {
    subject,
    ...(opts.name ? { name: opts.name } : {}),
    issuer: 'https://id.example.com/realms/team',
    claims: { groups: opts.groups ?? [] },
    scopes: ['mcp'],
  };
}

export function authInfoFor(caller: Caller | undefined, pveToken?: string): AuthInfo {
  const extra: CallerExtra = { ...(caller ? { caller } : {}), ...(pveToken ? { pveToken } : {}) };
  return { token: 'opaque-test-access-token', clientId: 'test-client', scopes: ['mcp'], extra: { ...extra } };
}

/** Makes every message the harness's client sends carry `current()` as its authInfo. */
export function sendAs(h: Harness): {
  call(auth: AuthInfo | undefined, name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
} {
  const transport = h.client.transport as InMemoryTransport;
  const send = transport.send.bind(transport);
  let current: AuthInfo | undefined;
  transport.send = (message, options) => send(message, { ...options, authInfo: current });
  return {
    call: async (auth, name, args = {}) => {
      current = auth;
      try {
        return (await h.client.callTool({ name, arguments: args })) as CallToolResult;
      } finally {
        current = undefined;
      }
    },
  };
}

/** The access setting of the tests: groups → role. */
export const TEAM_ACCESS: AccessSetting = {
  claims: ['groups'],
  roles: { admin: ['pve-admins'], operator: ['pve-operators'], reader: ['pve-readers'] },
  source: 'top-level access in test',
};
