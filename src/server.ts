import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { ClusterRegistry } from './clusters/registry.js';
import { warmUpDefaultCluster } from './clusters/warm-up.js';
import type { Logger } from './logger.js';
import { FlatSchemaValidator } from './safety/elicitation-validator.js';
import { toolCatalog } from './tools/catalog.js';
import { buildToolSet, type RegisteredTool } from './tools/registry.js';
import { runTool } from './tools/run-tool.js';
import { clip } from './clip.js';
import { answerMalformedRequestsAsInvalidParams } from './invalid-params.js';
import type { ToolDefinition } from './tools/types.js';
import { PACKAGE_NAME, VERSION } from './version.js';
import { metrics } from './metrics/events.js';
import { NO_CLUSTER, UNKNOWN_LABEL } from './metrics/labels.js';

export interface ServerDeps {
  registry: ClusterRegistry;
  logger: Logger;
  /** Scrubs known secrets from every result text (a backstop; messages are built without them). */
  redact?: (text: string) => string;
  /** Only these tools (by name); validated by the CLI. */
  enabledTools?: string[];
  /** Defaults to the full registry; tests may pass their own. */
  tools?: ToolDefinition[];
  /** How long a person has to answer a confirmation request (default 120 s; tests shorten it). */
  confirmTimeoutMs?: number;
  /**
   * After `initialized`, connect to the default cluster and load its schema in the background, so the
   * first call is fast (clusters/warm-up.ts). The stdio command sets it; tests leave it off, so their
   * request counts see only what they asked for.
   */
  warmUp?: boolean;
  /** A per-request server of --stateless HTTP: it cannot ask the person (confirm-unavailable.ts). */
  stateless?: boolean;
}

/**
 * The one server factory both transports use. It holds no per-session state beyond the SDK's, so
 * the HTTP transport can build one per session (or per request when stateless).
 */
export function createServer(deps: ServerDeps): Server {
  const tools = buildToolSet(deps.tools ?? toolCatalog, deps.registry, deps.enabledTools);
  const byName = new Map<string, RegisteredTool>(tools.map((t) => [t.definition.name, t]));
  const hidden = deps.enabledTools?.filter((n) => !byName.has(n)) ?? [];
  if (hidden.length) {
    deps.logger.warn(
      `selected tool${hidden.length > 1 ? 's' : ''} ${hidden.join(', ')} ${hidden.length > 1 ? 'are' : 'is'} not listed: every cluster is read-only and ${hidden.length > 1 ? 'they change' : 'it changes'} things`,
    );
  }
  const server = new Server(
    { name: PACKAGE_NAME, title: 'Proxmox VE', version: VERSION },
    {
      capabilities: { tools: { listChanged: false }, logging: {} },
      instructions: instructionsFor(deps.registry),
      jsonSchemaValidator: new FlatSchemaValidator(),
    },
  );
  answerMalformedRequestsAsInvalidParams(server);

  // Confirmation rules can only ask a person through clients that support elicitation; say once per
  // session what happens instead (the `confirmation` setting). A stateless server's initialize says
  // nothing about later requests: the start-up line covers that mode.
  server.oninitialized = () => {
    // After this handler and the SDK's own work: nothing of the warm-up delays the session.
    if (deps.warmUp) {
      // The bundle lists stand-ins: their code loads here rather than on the first call (a failure is
      // the first call's to report).
      const loadTools = () => tools.forEach((t) => void t.implementation?.().catch(() => {}));
      setImmediate(() => void warmUpDefaultCluster(deps.registry, deps.logger, loadTools));
    }
    const client = server.getClientVersion()?.name ?? 'the client';
    if (!server.getClientCapabilities()?.elicitation?.form && !deps.registry.allReadOnly && !deps.stateless) {
      const strict = deps.registry.all
        .filter((h) => h.config.confirmation?.mode === 'strict')
        .map((h) => h.name);
      const what =
        strict.length === 0
          ? 'are sent without asking; the client\'s own approval of destructive tools is the check (confirmation "client-approval")'
          : strict.length === deps.registry.all.length
            ? 'are refused (confirmation "strict")'
            : `are refused on ${strict.map((n) => `"${n}"`).join(', ')} (confirmation "strict") and sent without asking elsewhere, where the client's own approval of destructive tools is the check`;
      deps.logger.info(
        `${client} does not support MCP elicitation: requests matching "confirm" rules ${what}`,
      );
    }
  };

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools.map((t): Tool => t.listing) }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const tool = byName.get(request.params.name);
    if (!tool) {
      // The name is the client's: any string. Counted under one label, never as its own series.
      metrics.toolCall(UNKNOWN_LABEL, NO_CLUSTER, 'error', 0);
      return {
        isError: true,
        content: [
          {
            type: 'text',
            // Clipped: the name is the client's and may be any size.
            text: `Unknown tool "${clip(request.params.name)}". Available tools: ${[...byName.keys()].join(', ')}.`,
          },
        ],
      };
    }
    return runTool(tool, request.params.arguments ?? {}, {
      registry: deps.registry,
      logger: deps.logger,
      redact: deps.redact ?? ((s) => s),
      signal: extra.signal,
      progressToken: request.params._meta?.progressToken,
      sendNotification: (n) => extra.sendNotification(n),
      server,
      confirmTimeoutMs: deps.confirmTimeoutMs,
      requestId: extra.requestId,
      stateless: deps.stateless,
      authInfo: extra.authInfo,
    });
  });
  return server;
}

function instructionsFor(registry: ClusterRegistry): string {
  const names = registry.names;
  return [
    `Proxmox VE access for ${names.length === 1 ? `cluster "${names[0]}"` : `clusters ${names.map((n) => `"${n}"`).join(', ')} (default "${registry.defaultCluster}")`}.`,
    'Start with get_cluster_resources for an inventory (guests, nodes, storage) or list_nodes; get_guest shows one guest by VMID; use proxmox_api_call for any other endpoint.',
    registry.allReadOnly
      ? 'This server is read-only: only GET requests are sent.'
      : 'Actions return task UPIDs: report success only after get_task (or wait) shows the task ended OK. A request refused by a safety setting was not sent: ask the user rather than working around it.',
  ].join(' ');
}
