import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Logger } from '../../logger.js';
import type { InflightCounter } from './inflight.js';
import type { SessionRegistry } from './sessions.js';
import type { HttpSettings } from './settings.js';

/** What the endpoint handlers share; built once per HTTP server. */
export interface HttpContext {
  settings: HttpSettings;
  /** The one server factory (src/server.ts), called per session or, stateless, per request. */
  createServer: () => Server;
  sessions: SessionRegistry;
  inflight: InflightCounter;
  /** Servers answering a single stateless request; closed with their response or at shutdown. */
  ephemeral: Set<Server>;
  logger: Logger;
}
