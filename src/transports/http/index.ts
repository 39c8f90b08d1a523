/**
 * The `sse` subcommand's HTTP stack. src/cli.ts imports this module lazily, so the stdio path never
 * loads it (tsup puts it in its own chunk).
 */
export { startHttpServer, ListenError, type HttpServerHandle, type HttpServerOptions } from './server.js';
export {
  resolveHttpSettings,
  InsecureBindError,
  HTTP_DEFAULTS,
  type HttpFlags,
  type HttpSettings,
} from './settings.js';
