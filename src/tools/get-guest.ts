import { z } from 'zod';
import { configSummarySchema, renderConfig, summarizeConfig } from './guest-config.js';
import { guestIps, ipAddressSchema, ipSourceSchema } from './guest-ips.js';
import { findGuest, guestLabel } from './guest-lookup.js';
import { vmid } from './fields.js';
import { formatDuration, formatPercent, usage } from './format.js';
import { defineTool } from './types.js';

export const getGuest = defineTool({
  name: 'get_guest',
  title: 'One VM or container by VMID',
  description:
    'Everything about one guest by VMID (node and VM/container type are looked up): status (including paused/suspended), node, CPU/memory/disk use, config summary (cores, memory, OS type, disks, NICs with MAC and bridge, tags, agent, onboot) and IP addresses (guest agent for VMs, the container itself for LXC; if unavailable, the result says why). Use it before acting on a guest.',
  input: { vmid },
  output: z.object({
    cluster: z.string(),
    vmid: z.number(),
    type: z.enum(['qemu', 'lxc']),
    node: z.string(),
    name: z.string().optional(),
    status: z.string(),
    qmpstatus: z.string().optional(),
    template: z.boolean(),
    uptime_s: z.number().optional(),
    resources: z.object({
      cpu: z.number().optional(),
      maxcpu: z.number().optional(),
      mem: z.number().optional(),
      maxmem: z.number().optional(),
      disk: z.number().optional(),
      maxdisk: z.number().optional(),
    }),
    pool: z.string().optional(),
    lock: z.string().optional(),
    hastate: z.string().optional(),
    config: configSummarySchema,
    ip_addresses: z.array(ipAddressSchema),
    ip_source: ipSourceSchema,
    ip_note: z.string().optional(),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  cluster: 'single',
  async handler(args, ctx) {
    const opts = { signal: ctx.signal, context: ctx.requestContext };
    const guest = await findGuest(ctx.cluster, args.vmid, opts);
    const base = `/nodes/${guest.node}/${guest.type}/${guest.vmid}`;
    const [config, current] = await Promise.all([
      ctx.cluster.client.request<Record<string, unknown>>('GET', `${base}/config`, {}, opts),
      ctx.cluster.client.request<Record<string, unknown>>('GET', `${base}/status/current`, {}, opts),
    ]);
    const summary = summarizeConfig(guest.type, config ?? {});
    // status/current is fresher than /cluster/resources (which lags a few seconds behind).
    const status = String(current?.status ?? guest.status);
    const ips = await guestIps(ctx.cluster, { ...guest, status }, config ?? {}, opts);
    const qmpstatus = typeof current?.qmpstatus === 'string' ? current.qmpstatus : undefined;
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const resources = Object.fromEntries(
      (['cpu', 'maxcpu', 'mem', 'maxmem', 'disk', 'maxdisk'] as const)
        .map((k) => [k, num(guest[k])])
        .filter(([, v]) => v !== undefined),
    ) as Record<string, number>;
    const uptime = num(current?.uptime) ?? num(guest.uptime);
    const structured = {
      cluster: ctx.cluster.name,
      vmid: guest.vmid,
      type: guest.type,
      node: guest.node,
      ...(guest.name ? { name: String(guest.name) } : summary.name ? { name: summary.name } : {}),
      status,
      ...(qmpstatus ? { qmpstatus } : {}),
      template: Boolean(guest.template) || summary.template === true,
      ...(uptime ? { uptime_s: uptime } : {}),
      resources,
      ...(guest.pool ? { pool: String(guest.pool) } : {}),
      ...(guest.lock ? { lock: String(guest.lock) } : {}),
      ...(guest.hastate ? { hastate: String(guest.hastate) } : {}),
      config: summary,
      ip_addresses: ips.addresses,
      ip_source: ips.source,
      ...(ips.note ? { ip_note: ips.note } : {}),
    };
    const state =
      qmpstatus && qmpstatus !== status
        ? `${status} (${qmpstatus})`
        : status === 'running' && uptime
          ? `running for ${formatDuration(uptime)}`
          : status;
    const head = `${capitalize(guestLabel({ ...guest, name: structured.name }))}${structured.template ? ' [template]' : ''} on node ${guest.node} (cluster ${ctx.cluster.name}): ${state}${guest.lock ? `, locked (${guest.lock})` : ''}${guest.pool ? `, pool ${guest.pool}` : ''}`;
    const use =
      status === 'running'
        ? `Usage: CPU ${formatPercent(resources.cpu)} of ${resources.maxcpu ?? '?'}, memory ${usage(resources.mem, resources.maxmem)}${guest.type === 'lxc' ? `, disk ${usage(resources.disk, resources.maxdisk)}` : ''}`
        : undefined;
    const ipLine = ips.addresses.length
      ? `IP addresses (${ips.source}): ${ips.addresses.map((a) => `${a.interface} ${a.address}${a.prefix !== undefined ? `/${a.prefix}` : ''}`).join(', ')}${ips.note ? `. ${ips.note}` : ''}`
      : `IP addresses: unknown. ${ips.note ?? ''}`.trim();
    return {
      structured,
      text: [head, use, ...renderConfig(summary), ipLine].filter(Boolean).join('\n'),
    };
  },
});

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
