import { setMaxListeners } from 'node:events';
import { z } from 'zod';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { CallToolResult, RequestId, ServerNotification } from '@modelcontextprotocol/sdk/types.js';
import type { ClusterHandle, ClusterRegistry } from '../clusters/registry.js';
import type { Logger } from '../logger.js';
import { describeError } from './error-result.js';
import { describeIssues } from '../invalid-params.js';
import type { RegisteredTool } from './registry.js';
import type { ToolContext } from './types.js';
import { ProxmoxError, ProxmoxRefusedError } from '../proxmox/errors.js';
import { toolCallDone } from '../metrics/labels.js';
import { UnknownClusterError } from '../clusters/registry.js';
import { confirmContext } from '../safety/confirm-context.js';
import { callerOf, personalTokenOf } from '../auth/caller.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { personalTokenSecrets } from '../proxmox/personal-token.js';
import { holdSecrets } from '../redact.js';
import { personLogger } from './person-logger.js';
import { configPathShown } from './config-path-shown.js';

export interface RunDeps {
  registry: ClusterRegistry;
  logger: Logger;
  redact: (text: string) => string;
  signal: AbortSignal;
  progressToken?: string | number;
  sendNotification: (n: ServerNotification) => Promise<void>;
  server: Server;
  /** How long a person has to answer a confirmation (default 120 s). */
  confirmTimeoutMs?: number;
  /** The tools/call request's id: questions to the person are sent in relation to it. */
  requestId?: RequestId;
  /** A per-request server of --stateless HTTP: it can never ask the person. */
  stateless?: boolean;
  /** What the HTTP layer established about the request (src/auth/caller.ts); absent over stdio. */
  authInfo?: AuthInfo;
}

/**
 * Validates arguments, resolves the target cluster(s), runs the handler and shapes the result.
 * Model-actionable failures become isError results with advice (error-result.ts); only genuine bugs
 * are logged as errors.
 */
export async function runTool(
  registered: RegisteredTool,
  rawArgs: Record<string, unknown>,
  deps: RunDeps,
): Promise<CallToolResult> {
  const started = performance.now();
  // Every HTTP request carries authInfo (src/transports/http/auth-gate.ts); stdio never does.
  const shown = configPathShown(deps.registry.source, deps.authInfo !== undefined);
  const present = (text: string): string => shown(deps.redact(text));
  // The bundle lists stand-ins and loads a tool's code on its first call (src/tools/lazy-catalog.ts).
  const tool = registered.implementation ? await registered.implementation() : registered;
  const def = tool.definition;
  const parsed = tool.inputSchema.safeParse(rawArgs);
  if (!parsed.success) {
    toolCallDone(def.name, undefined, 'error', started);
    return errorResult(
      present,
      `Invalid arguments for ${def.name}: ${describeIssues(parsed.error)}. ${argsHint(tool)}`,
    );
  }
  const { cluster: clusterArg, ...args } = parsed.data as { cluster?: string } & Record<string, unknown>;
  let clusters: ClusterHandle[];
  try {
    clusters =
      def.cluster === 'multi' && clusterArg === '*' ? deps.registry.all : [deps.registry.get(clusterArg)];
  } catch (err) {
    toolCallDone(def.name, undefined, 'error', started);
    return errorResult(present, describeError(err));
  }
  // Each request in flight listens on the call's signal; a fan-out over many clusters (several
  // requests each) would pass Node's default of 10 and print a MaxListenersExceededWarning.
  if (clusters.length > 1) setMaxListeners(Math.max(10, clusters.length * 4), deps.signal);
  // The person (OAuth) limits and signs every request of the call; their own PVE token (token_from
  // "user") is masked in everything this call writes while it runs (redact.ts).
  const caller = callerOf(deps.authInfo);
  const personalToken = personalTokenOf(deps.authInfo);
  const release = personalToken ? holdSecrets(personalTokenSecrets(personalToken)) : undefined;
  const ctx: ToolContext = {
    cluster: clusters[0]!,
    clusters,
    registry: deps.registry,
    signal: deps.signal,
    logger: personLogger(deps.logger, caller),
    requestContext: {
      toolName: def.name,
      ...(caller ? { caller } : {}),
      ...(personalToken ? { personalToken } : {}),
      ...shownQuestions(
        confirmContext(deps.server, {
          signal: deps.signal,
          timeoutMs: deps.confirmTimeoutMs,
          relatedRequestId: deps.requestId,
          stateless: deps.stateless,
        }),
        shown,
      ),
    },
    progress: async (progress, total, message) => {
      if (deps.progressToken === undefined) return;
      await deps
        .sendNotification({
          method: 'notifications/progress',
          params: {
            progressToken: deps.progressToken,
            progress,
            ...(total !== undefined ? { total } : {}),
            ...(message ? { message } : {}),
          },
        })
        .catch(() => {});
    },
  };
  try {
    const out = await def.handler(args as never, ctx);
    // The redaction backstop works on the serialized form, and parsing it back also gives the client
    // its own copy: never an object shared with server state (the schema cache, say).
    const result: CallToolResult = {
      content: [{ type: 'text', text: present(out.text) }],
      structuredContent: JSON.parse(present(JSON.stringify(out.structured))) as Record<string, unknown>,
      ...(out.isError ? { isError: true } : {}),
    };
    toolCallDone(def.name, clusters, out.isError ? 'error' : 'ok', started);
    return result;
  } catch (err) {
    toolCallDone(def.name, clusters, err instanceof ProxmoxRefusedError ? 'refused' : 'error', started);
    if (!(err instanceof ProxmoxError || err instanceof UnknownClusterError || err instanceof z.ZodError)) {
      ctx.logger.error(`tool ${def.name} failed unexpectedly`, {
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
    }
    return errorResult(present, describeError(err, clusters.length === 1 ? clusters[0]!.config : undefined));
  } finally {
    release?.();
  }
}

/** A confirmation question is shown to the person too: its rule source names the file as results do. */
function shownQuestions(
  c: ReturnType<typeof confirmContext>,
  shown: (text: string) => string,
): ReturnType<typeof confirmContext> {
  const ask = c.confirm;
  return ask ? { ...c, confirm: (q) => ask({ ...q, ruleSource: shown(q.ruleSource) }) } : c;
}

function errorResult(present: (text: string) => string, text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: present(text) }] };
}

function argsHint(tool: RegisteredTool): string {
  const keys = Object.keys(tool.inputSchema.shape);
  return keys.length ? `Valid arguments: ${keys.join(', ')}.` : 'This tool takes no arguments.';
}
