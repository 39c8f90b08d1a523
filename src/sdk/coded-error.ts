/**
 * SDK RELIANCE (undocumented behaviour): when a request handler throws, the SDK's Protocol answers
 * with the error's own `code` if it is a safe integer and its `message` as is. McpError, the public
 * way, prefixes the message with "MCP error <code>: ", which clients show to the user verbatim.
 * test/sdk/seam.test.ts checks the SDK still answers a thrown CodedError this way.
 *
 * Public replacement: an McpError (or option) that carries the message without the prefix.
 */
export class CodedError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}
