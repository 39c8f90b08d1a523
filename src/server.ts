import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { ClusterRegistry } from './clusters/registry.js';
import type { Logger } from './logger.js';
import { allTools } from './tools/index.js';
import { buildToolSet, type RegisteredTool } from './tools/registry.js';
import { runTool } from './tools/run-tool.js';
import type { ToolDefinition } from './tools/types.js';
import { PACKAGE_NAME, VERSION } from './version.js';

export interface ServerDeps {
  registry: ClusterRegistry;
  logger: Logger;
  /** Scrubs known secrets from every result text (a backstop; messages are built without them). */
  redact?: (text: string) => string;
  /** Only these tools (by name); validated by the CLI. */
  enabledTools?: string[];
  /** Defaults to the full registry; tests may pass their own. */
  tools?: ToolDefinition[];
}

/**
 * The one server factory both transports use. It holds no per-session state beyond the SDK's, so
 * the HTTP transport can build one per session (or per request when stateless).
 */
export function createServer(deps: ServerDeps): Server {
  const tools = buildToolSet(deps.tools ?? allTools, deps.registry, deps.enabledTools);
  const byName = new Map<string, RegisteredTool>(tools.map((t) => [t.definition.name, t]));
  const server = new Server(
    { name: PACKAGE_NAME, title: 'Proxmox VE', version: VERSION },
    {
      capabilities: { tools: { listChanged: false }, logging: {} },
      instructions: instructionsFor(deps.registry),
    },
  );

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools.map((t): Tool => t.listing) }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const tool = byName.get(request.params.name);
    if (!tool) {
      return {
        isError: true,
        content: [
          {
            type: 'text',
            text: `Unknown tool "${request.params.name}". Available tools: ${[...byName.keys()].join(', ')}.`,
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
    });
  });
  return server;
}

function instructionsFor(registry: ClusterRegistry): string {
  const names = registry.names;
  return [
    `Proxmox VE access for ${names.length === 1 ? `cluster "${names[0]}"` : `clusters ${names.map((n) => `"${n}"`).join(', ')} (default "${registry.defaultCluster}")`}.`,
    'Start with get_cluster_resources for an inventory (guests, nodes, storage) or list_nodes; use proxmox_api_call for any other endpoint.',
    registry.allReadOnly
      ? 'This server is read-only: only GET requests are sent.'
      : 'Actions return task UPIDs; check them before reporting success.',
  ].join(' ');
}
