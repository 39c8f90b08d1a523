import type { Server } from '@modelcontextprotocol/sdk/server/index.js';

/** What the SDK keeps per method: the raw request in (not yet parsed), the result out. */
export type RawRequestHandler = (request: { method: string }, extra: unknown) => Promise<unknown>;

/**
 * SDK RELIANCE (private field): `Protocol._requestHandlers`, the SDK's method → handler map. Each
 * entry parses the raw request against the method's schema and then calls the registered handler, so
 * wrapping an entry is the only place to see a request that failed the SDK's own parsing. Entries
 * present now and any registered later (the map's `set` is replaced) are wrapped.
 *
 * Throws at once if the map is gone or renamed, so an SDK upgrade fails at start-up (and in
 * test/sdk/seam.test.ts) instead of silently losing the wrapper.
 *
 * Public replacement: a hook on Server/Protocol for errors thrown while parsing a request (or an
 * option to map handler errors to JSON-RPC errors); the SDK 1.x line has none.
 */
export function wrapEveryRequestHandler(
  server: Server,
  wrap: (handler: RawRequestHandler) => RawRequestHandler,
): void {
  const handlers = (server as unknown as { _requestHandlers?: unknown })._requestHandlers;
  if (!(handlers instanceof Map)) {
    throw new Error(
      'SDK internals changed: Server._requestHandlers is not a Map; update src/sdk/request-handler-table.ts',
    );
  }
  const map = handlers as Map<string, RawRequestHandler>;
  const set = map.set.bind(map);
  for (const [method, handler] of map) set(method, wrap(handler));
  map.set = (method, handler) => set(method, wrap(handler));
}
