import { z } from 'zod';
import { defineTool, type ToolDefinition } from './types.js';

/** Text budget for raw answers: about 12k tokens. Bigger answers are cut with advice on narrowing. */
export const RAW_TEXT_BUDGET = 48_000;

const outputSchema = z.object({
  cluster: z.string(),
  method: z.string(),
  path: z.string(),
  data: z.unknown(),
  total: z.number().optional(),
  truncated: z.boolean().optional(),
});

const description = (methods: string) =>
  `Calls any Proxmox VE API endpoint (${methods}) under /api2/json on the chosen cluster and returns its "data". Use it for everything the curated tools do not cover. path is the API path without /api2/json, e.g. "/nodes/pve1/qemu/100/config" or "/nodes/pve1/qemu/100/snapshot"; it must not contain a host, "..", "?" or "#". data holds the parameters: sent in the query for GET/DELETE and as form fields for POST/PUT; booleans become 0/1. Actions such as start/stop/snapshot return a task UPID (UPID:node:...): poll GET /nodes/{node}/tasks/{upid}/status until status is "stopped" and read exitstatus. Errors name what PVE rejected (missing privilege, bad parameter, unknown endpoint).`;

function build(readOnly: boolean): ToolDefinition {
  return defineTool({
    name: 'proxmox_api_call',
    title: readOnly ? 'Raw Proxmox API read (GET)' : 'Raw Proxmox API call',
    description: readOnly
      ? description('GET only: this server is read-only')
      : description('GET, POST, PUT, DELETE'),
    input: {
      path: z
        .string()
        .min(1)
        .max(2048)
        .describe('API path, e.g. "/nodes/pve1/qemu/100/status/current" (no host, no /api2/json needed)'),
      method: (readOnly ? z.enum(['GET']) : z.enum(['GET', 'POST', 'PUT', 'DELETE']))
        .default('GET')
        .describe(
          readOnly
            ? 'HTTP method: only GET (read-only server)'
            : 'HTTP method; GET reads, POST creates or acts, PUT changes config, DELETE removes',
        ),
      data: z
        .record(z.string(), z.unknown())
        .optional()
        .describe('Parameters as a flat object, e.g. {"snapname":"before-upgrade","vmstate":1}'),
    },
    output: outputSchema,
    annotations: readOnly
      ? { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }
      : { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    cluster: 'single',
    readOnlyVariant: readOnly ? undefined : () => build(true),
    async handler(args, ctx) {
      const res = await ctx.cluster.client.requestFull(args.method, args.path, args.data ?? {}, {
        signal: ctx.signal,
        context: ctx.requestContext,
      });
      const path = args.path.startsWith('/') ? args.path : `/${args.path}`;
      let json = JSON.stringify(
        res.data,
        null,
        Array.isArray(res.data) && res.data.length > 20 ? undefined : 1,
      );
      let truncated = false;
      if (json !== undefined && json.length > RAW_TEXT_BUDGET) {
        json = json.slice(0, RAW_TEXT_BUDGET);
        truncated = true;
      }
      const head = `${args.method} ${path} on ${ctx.cluster.name}${res.total !== undefined ? ` (total ${res.total})` : ''}:`;
      const upidHint =
        typeof res.data === 'string' && res.data.startsWith('UPID:')
          ? `\nThis started a task. Poll GET /nodes/${res.data.split(':')[1]}/tasks/${res.data}/status until status is "stopped".`
          : '';
      const cut = truncated
        ? `\n[cut at ${RAW_TEXT_BUDGET} characters of ${JSON.stringify(res.data).length}; narrow the request: filter parameters (e.g. type, node), a more specific path, or limit/start where the endpoint has them]`
        : '';
      return {
        structured: {
          cluster: ctx.cluster.name,
          method: args.method,
          path,
          data: truncated ? null : (res.data ?? null),
          ...(res.total !== undefined ? { total: res.total } : {}),
          ...(truncated ? { truncated } : {}),
        },
        text: `${head}\n${json ?? 'null'}${cut}${upidHint}`,
      };
    },
  });
}

export const proxmoxApiCall = build(false);
