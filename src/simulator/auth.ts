import { timingSafeEqual } from 'node:crypto';
import { Privileges } from './permissions.js';
import { uriUnescape } from './request-params.js';
import type { PveVersion } from './version.js';

/**
 * API token authentication as pve-http-server (extract_auth_value) and pve-access-control (verify_token)
 * do it. The simulator knows no passwords or tickets: only tokens.
 */

/** An API token the simulator accepts (the engine's `tokens` option). */
export interface SimulatorToken {
  user: string; // 'root@pam'
  tokenId: string; // 'mcp'
  secret: string; // uuid-like
  privsep?: boolean; // default false: token has the user's privileges
  /** ACL granted to the token (privsep) or user: path prefix -> privileges. root@pam user has all. */
  acl?: Array<{ path: string; privs: string[] }>;
}

export interface Caller {
  /** What PVE's get_user() returns for a token request: 'root@pam!mcp'. Tasks carry it. */
  authid: string;
  user: string;
  tokenName: string;
  privileges: Privileges;
}

export type AuthOutcome = { caller: Caller } | { failure: string };

const USER = /^([^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+)!([A-Za-z][A-Za-z0-9.\-_]+)$/;

export class TokenStore {
  private readonly tokens = new Map<string, SimulatorToken>();

  constructor(
    tokens: readonly SimulatorToken[],
    private readonly poolOf: (path: string) => string | undefined,
  ) {
    for (const t of tokens) this.add(t);
  }

  add(token: SimulatorToken): void {
    if (!USER.test(`${token.user}!${token.tokenId}`)) {
      throw new Error(`invalid token id '${token.user}!${token.tokenId}'`);
    }
    this.tokens.set(`${token.user}!${token.tokenId}`, token);
  }

  private hasUser(user: string): boolean {
    return [...this.tokens.values()].some((t) => t.user === user);
  }

  /** verify_token: throws the detailed reason PVE logs (and, before 9.1.5, returned). */
  verify(value: string): Caller {
    if (!value) throw new Error('no API token specified');
    const split = splitTokenValue(value);
    if (!split) throw new Error('no tokenid specified');
    const { tokenid, secret } = split;
    const parts = USER.exec(tokenid);
    if (!parts)
      throw new Error(`'${tokenid}' is not a valid token ID - not able to split into user and token parts`);
    const user = parts[1] ?? '';
    const tokenName = parts[2] ?? '';
    if (!this.hasUser(user)) throw new Error(`no such user ('${user}')`);
    const token = this.tokens.get(tokenid);
    if (!token) throw new Error(`no such token '${tokenName}' for user '${user}'`);
    const a = Buffer.from(secret);
    const b = Buffer.from(token.secret);
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new Error('invalid token value!');
    // A full-privilege token of root@pam has everything; otherwise the configured ACL is all there is.
    const full = !token.privsep && token.user === 'root@pam';
    return {
      authid: tokenid,
      user,
      tokenName,
      privileges: new Privileges(full ? 'all' : (token.acl ?? []), this.poolOf),
    };
  }
}

/** The token value of an Authorization header: what follows 'PVEAPIToken=' (or a space), unescaped. */
export function tokenValue(authorization: string | undefined): string | undefined {
  const match = /(?:^|\s)PVEAPIToken(?:=| )([^;]*)/.exec(authorization ?? '');
  return match ? uriUnescape(match[1] ?? '') : undefined;
}

/** 'root@pam!mcp=SECRET' → token id and secret, split on the LAST '=' as verify_token does. */
export function splitTokenValue(value: string): { tokenid: string; secret: string } | undefined {
  const split = /^(.*)=(.*)$/s.exec(value); // greedy
  return split ? { tokenid: split[1] ?? '', secret: split[2] ?? '' } : undefined;
}

export function authenticate(
  authorization: string | undefined,
  cookie: string | undefined,
  store: TokenStore,
  version: PveVersion,
): AuthOutcome {
  const generic = 'Authentication failed!';
  // A ticket cookie takes precedence over a token; the simulator never issues tickets, so it is invalid.
  if (/(?:^|;\s*)PVEAuthCookie=/.test(cookie ?? '') || /PVEAuthCookie=/.test(authorization ?? '')) {
    return { failure: version.genericAuthFailure ? generic : 'permission denied - invalid PVE ticket' };
  }
  const value = tokenValue(authorization);
  if (value === undefined) return { failure: 'No ticket' };
  try {
    return { caller: store.verify(value) };
  } catch (err) {
    return { failure: version.genericAuthFailure ? generic : (err as Error).message };
  }
}
