import type { TokenProblem } from './token-problem.js';

/**
 * The `WWW-Authenticate: Bearer …` challenge of a refusal (RFC 6750 §3, RFC 9728 §5.1): where the
 * protected resource metadata is, which scopes to ask for, and, when a token was sent, why it failed.
 * MCP clients (the SDK's among them) start discovery from `resource_metadata` and take `scope` as the
 * scopes to request, so both come first and the free text never contains `name=` pairs.
 */
export function bearerChallenge(opts: {
  resourceMetadata: string;
  scopes: string[];
  problem?: TokenProblem;
}): string {
  const params = [`resource_metadata="${quoted(opts.resourceMetadata)}"`];
  if (opts.scopes.length) params.push(`scope="${quoted(opts.scopes.join(' '))}"`);
  if (opts.problem?.error) {
    params.push(`error="${opts.problem.error}"`);
    // A `name=` in free text could be read as a parameter by a lenient parser (the SDK's is one).
    params.push(`error_description="${quoted(opts.problem.description).replace(/(\w)=/g, '$1 =')}"`);
  }
  return `Bearer ${params.join(', ')}`;
}

/** RFC 6750 limits error_description to printable ASCII without `"` and `\`. */
function quoted(text: string): string {
  return text.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?');
}
