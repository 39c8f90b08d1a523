import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';

/**
 * The person behind a request, as the HTTP layer's OAuth check established it (src/auth/). It travels
 * with the request the way the SDK carries authentication: the HTTP server sets `req.auth` (an
 * AuthInfo whose `extra` holds what is below), the SDK hands it to the tools/call handler as
 * `extra.authInfo`, and the tool layer reads it with `callerOf`. stdio and static-bearer HTTP have no
 * caller: the configured token's rights apply, as before.
 */
export interface Caller {
  /** The access token's `sub`: who did it, written in every audit line. */
  subject: string;
  /** A readable name (email, preferred_username or name claim), when the token has one. */
  name?: string;
  /** The issuer that vouched for the person. */
  issuer: string;
  /**
   * Claim values roles may be mapped from, each flattened to a list of strings (a space-separated
   * `scope` string becomes its words; a string becomes a one-item list). Only claims of string or
   * string-list type are kept; nothing else of the token.
   */
  claims: Record<string, string[]>;
  /** Granted scopes (from `scope`/`scp`, or introspection). */
  scopes: string[];
}

/** What the HTTP layer puts in `AuthInfo.extra`. */
export interface CallerExtra {
  caller?: Caller;
  /**
   * The person's own Proxmox API token (`user@realm!id=secret`) from the `X-Proxmox-Token` request
   * header, for clusters with `token_from: "user"`. Used for this request only: never stored, logged
   * or echoed.
   */
  pveToken?: string;
}

/** Header a person's client sends its own PVE API token in (clusters with `token_from: "user"`). */
export const PERSONAL_TOKEN_HEADER = 'x-proxmox-token';

export function callerOf(authInfo: AuthInfo | undefined): Caller | undefined {
  return (authInfo?.extra as CallerExtra | undefined)?.caller;
}

export function personalTokenOf(authInfo: AuthInfo | undefined): string | undefined {
  return (authInfo?.extra as CallerExtra | undefined)?.pveToken;
}

/** How a person is named in logs, audit lines and refusals: `name (sub)`, or the subject alone. */
export function describeCaller(caller: Caller): string {
  return caller.name && caller.name !== caller.subject
    ? `${caller.name} (${caller.subject})`
    : caller.subject;
}
