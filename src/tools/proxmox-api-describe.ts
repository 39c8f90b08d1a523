import { z } from 'zod';
import {
  describeEndpoint,
  renderDescribe,
  searchEndpoints,
  SchemaUnavailableError,
  simulatedSchemaNote,
} from '../schema/index.js';
import { defineTool } from './types.js';

const searchHit = z.object({ method: z.string(), template: z.string(), summary: z.string() });

export const proxmoxApiDescribe = defineTool({
  name: 'proxmox_api_describe',
  title: 'Discover Proxmox API endpoints',
  description:
    'Finds and explains Proxmox VE API endpoints from the cluster\'s own API schema (so it matches the PVE version it runs). query: searches by words (e.g. "rollback snapshot") for the best few endpoints. path (concrete, /nodes/pve1/qemu/100/snapshot, or a template, /nodes/{node}/qemu/{vmid}/snapshot): its methods with parameters (type, required, enum, default, format), the permission needed and whether it starts a task; method narrows to one. Use it before proxmox_api_call when unsure. Neither: the top-level paths.',
  input: {
    query: z.string().min(2).max(200).optional().describe('What you want to do, e.g. "rollback snapshot"'),
    path: z.string().min(1).max(2048).optional().describe('API path, concrete or template'),
    method: z.enum(['GET', 'POST', 'PUT', 'DELETE']).optional().describe('Only this method'),
  },
  output: z.object({
    cluster: z.string(),
    pve_version: z.string().optional(),
    results: z.array(searchHit).optional(),
    endpoint: z.record(z.string(), z.unknown()).optional(),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  cluster: 'single',
  async handler(args, ctx) {
    let index;
    try {
      index = await ctx.registry.schemaOf(ctx.cluster, ctx.signal);
    } catch (err) {
      if (err instanceof SchemaUnavailableError) {
        return {
          isError: true,
          structured: { cluster: ctx.cluster.name },
          text: `The API schema of cluster "${ctx.cluster.name}" could not be loaded (${err.reason}); it is served by every PVE node at /pve-docs/api-viewer/apidoc.js, which an old PVE version or a proxy may block. proxmox_api_call still works without it; the API reference is at https://pve.proxmox.com/pve-docs/api-viewer/.`,
        };
      }
      throw err;
    }
    const base = { cluster: ctx.cluster.name, ...(index.version ? { pve_version: index.version } : {}) };
    const parts: string[] = [];
    const structured: Record<string, unknown> = { ...base };
    if (args.query) {
      const hits = searchEndpoints(index, args.query, 8);
      structured.results = hits;
      parts.push(
        hits.length
          ? `Endpoints for "${args.query}" (PVE ${index.version ?? '?'}):\n` +
              hits.map((h) => `  ${h.method.padEnd(6)} ${h.template} — ${h.summary}`).join('\n') +
              '\nCall proxmox_api_describe with one of these paths for its parameters.'
          : `No endpoint matches "${args.query}". Try other words (PVE says qemu for VMs, lxc for containers) or browse with path "/".`,
      );
    }
    if (args.path || !args.query) {
      const path = args.path ?? '/';
      if (path === '/' || path === '') {
        const top = index.templates.filter((t) => t.split('/').length === 2);
        structured.endpoint = { template: '/', children: top };
        parts.push(`Top-level API paths:\n${top.map((t) => `  ${t}`).join('\n')}`);
      } else {
        const result = describeEndpoint(index, path, args.method);
        structured.endpoint = result as unknown as Record<string, unknown>;
        parts.push(renderDescribe(result));
      }
    }
    // On the demo simulator, an endpoint missing here may well exist in PVE: say so every time.
    const simulated = simulatedSchemaNote(index);
    if (simulated) parts.push(simulated);
    return { structured, text: parts.join('\n\n') };
  },
});
