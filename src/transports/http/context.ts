import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Logger } from '../../logger.js';
import type { InflightCounter } from './inflight.js';
import type { SessionRegistry } from './sessions.js';
import type { HttpSettings } from './settings.js';

/**
 * How the server being built will be used. `stateless`: it answers one request and never sees the
 * client's `initialize`, so it cannot ask the person anything (confirmation refuses, see README).
 */
export interface ServerMode {
  stateless: boolean;
}

/** What the endpoint handlers share; built once per HTTP server. */
export interface HttpContext {
  settings: HttpSettings;
  /** The one server factory (src/server.ts), called per session or, stateless, per request. */
  createServer: (mode: ServerMode) => Server;
  sessions: SessionRegistry;
  inflight: InflightCounter;
  /** Servers answering a single stateless request; closed with their response or at shutdown. */
  ephemeral: Set<Server>;
  logger: Logger;
}
