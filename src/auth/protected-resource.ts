/**
 * Protected Resource Metadata (RFC 9728) for the two MCP endpoints. A client that got a 401 reads it
 * to learn which authorization server to send the person to and which resource (audience) to ask a
 * token for. The well-known path is the endpoint's path appended to
 * `/.well-known/oauth-protected-resource`; the bare well-known path describes /mcp, the main endpoint.
 */
export const PRM_PREFIX = '/.well-known/oauth-protected-resource';

export type ProtectedEndpoint = '/mcp' | '/sse';

export interface ResourceDescription {
  publicUrl: string;
  issuer: string;
  scopes: string[];
  name: string;
}

/** Which endpoint a well-known path describes, or undefined when it is not one of ours. */
export function endpointOfMetadataPath(path: string): ProtectedEndpoint | undefined {
  if (path === PRM_PREFIX || path === `${PRM_PREFIX}/` || path === `${PRM_PREFIX}/mcp`) return '/mcp';
  if (path === `${PRM_PREFIX}/sse`) return '/sse';
  return undefined;
}

/** The endpoint whose resource a request to `path` (/mcp, /sse, /messages) is part of. */
export function protectedEndpointOf(path: string): ProtectedEndpoint {
  return path === '/mcp' ? '/mcp' : '/sse';
}

export function resourceId(publicUrl: string, endpoint: ProtectedEndpoint): string {
  return `${publicUrl}${endpoint}`;
}

export function metadataUrl(publicUrl: string, endpoint: ProtectedEndpoint): string {
  return `${publicUrl}${PRM_PREFIX}${endpoint}`;
}

export function protectedResourceMetadata(d: ResourceDescription, endpoint: ProtectedEndpoint) {
  return {
    resource: resourceId(d.publicUrl, endpoint),
    authorization_servers: [d.issuer],
    ...(d.scopes.length ? { scopes_supported: d.scopes } : {}),
    bearer_methods_supported: ['header'],
    resource_name: d.name,
  };
}
