import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll } from 'vitest';
import { initializeBody, rawRequest, type InProcessServer } from '../http/helpers.js';
import { startLocalIssuer, type LocalIssuer } from './local-issuer.js';
import { startOAuthServer } from './oauth-server.js';

/**
 * The set-up the resource-server-*.test.ts files share: one local issuer and one OAuth-mode server for the
 * whole file, started by useOAuthServer(). `issuer` and `srv` are live bindings, set once beforeAll ran.
 */
export let issuer: LocalIssuer;
export let srv: InProcessServer;
/** Clients a test opened; closed after the file, before the server. */
export const closers: Array<() => Promise<unknown>> = [];

export function useOAuthServer(): void {
  beforeAll(async () => {
    issuer = await startLocalIssuer();
    srv = await startOAuthServer(issuer);
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
    await srv?.close();
    await issuer?.close();
  });
}

export const now = () => Math.floor(Date.now() / 1000);
export const aud = () => `${srv.url}/mcp`;
export const post = (token: string | undefined, path = '/mcp', extra: Record<string, string> = {}) =>
  rawRequest(srv.url, path, {
    method: 'POST',
    body: initializeBody,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra },
  });
export const nodesOf = (r: CallToolResult) =>
  (r.structuredContent as { nodes: Array<{ node: string }> }).nodes.map((n) => n.node);
