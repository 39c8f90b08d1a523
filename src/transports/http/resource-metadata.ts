import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OAuthAuthenticator } from '../../auth/authenticator.js';
import { endpointOfMetadataPath, protectedResourceMetadata } from '../../auth/protected-resource.js';
import { SERVER_ERROR, sendError, sendJson } from './respond.js';

/**
 * GET /.well-known/oauth-protected-resource[/mcp|/sse] in OAuth mode. Public by nature: a client
 * reads it before it has a token, and browser-based clients read it cross-origin, so it needs no
 * authentication and any origin may read it (it holds nothing but what the 401 already points to).
 */
export function serveResourceMetadata(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  oauth: OAuthAuthenticator,
  version: string,
): void {
  const cors = {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, OPTIONS',
    'access-control-allow-headers': 'mcp-protocol-version',
    'access-control-max-age': '600',
  };
  const endpoint = endpointOfMetadataPath(path);
  if (!endpoint)
    return sendError(
      res,
      404,
      SERVER_ERROR,
      `Not Found: ${path}. Protected resource metadata: /.well-known/oauth-protected-resource/mcp and /.well-known/oauth-protected-resource/sse`,
      cors,
    );
  const method = req.method ?? 'GET';
  if (method === 'OPTIONS') {
    res.writeHead(204, cors).end();
    return;
  }
  if (method !== 'GET' && method !== 'HEAD')
    return sendError(res, 405, SERVER_ERROR, 'Method Not Allowed', { ...cors, allow: 'GET, HEAD, OPTIONS' });
  const body = protectedResourceMetadata(
    {
      publicUrl: oauth.resourceBase,
      issuer: oauth.settings.issuer,
      scopes: oauth.settings.requiredScopes,
      name: `Proxmox VE MCP server (proxmox-mcp ${version})`,
    },
    endpoint,
  );
  sendJson(res, 200, body, { ...cors, 'cache-control': 'public, max-age=300' });
}
