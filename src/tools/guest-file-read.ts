import { z } from 'zod';
import { ProxmoxHttpError } from '../proxmox/errors.js';
import { vmid } from './fields.js';
import { bytesFromPve, agentFailure, findAgentGuest, utf8Text } from './guest-agent-shared.js';
import { guestLabel } from './guest-lookup.js';
import { defineTool } from './types.js';

/** PVE reads at most 16 MiB per call; what the model reads is far less, so one read is capped lower. */
const MAX_BYTES = 1024 * 1024;
const DEFAULT_BYTES = 64 * 1024;

export const guestFileRead = defineTool({
  name: 'guest_file_read',
  title: 'Read a file inside a VM (guest agent)',
  description:
    'Reads a file inside a QEMU VM (guest agent): text as is, binary as base64; long files: read on from next_offset. VMs only.',
  input: {
    vmid,
    path: z.string().min(1).max(4096).describe('Absolute path in the guest, e.g. /etc/os-release'),
    offset: z
      .number()
      .int()
      .min(0)
      .max(2 ** 40)
      .default(0)
      .describe('Byte offset'),
    max_bytes: z
      .number()
      .int()
      .min(1)
      .max(MAX_BYTES)
      .default(DEFAULT_BYTES)
      .describe(`Bytes to read (default ${DEFAULT_BYTES})`),
  },
  output: z.object({
    cluster: z.string(),
    vmid: z.number(),
    node: z.string(),
    path: z.string(),
    offset: z.number(),
    bytes: z.number(),
    encoding: z.enum(['utf-8', 'base64']),
    content: z.string(),
    /** More of the file follows: read again from next_offset. */
    truncated: z.boolean(),
    next_offset: z.number().optional(),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  cluster: 'single',
  async handler(args, ctx) {
    const opts = { signal: ctx.signal, context: ctx.requestContext };
    const guest = await findAgentGuest(ctx.cluster, args.vmid, opts);
    const path = `/nodes/${guest.node}/qemu/${guest.vmid}/agent/file-read`;
    let bytes: Buffer;
    let truncated: boolean;
    try {
      // PVE 9: the bytes as base64 (decode=0) from offset, count at most. PVE 8 knows only `file`: it
      // reads from the start (up to 16 MiB) and the slice is taken here.
      let res: { content?: string; truncated?: number | boolean };
      let exact = true;
      try {
        res = await ctx.cluster.client.request(
          'GET',
          path,
          { file: args.path, offset: args.offset, count: args.max_bytes, decode: 0 },
          opts,
        );
      } catch (err) {
        const e = err instanceof ProxmoxHttpError ? err.paramErrors : undefined;
        if (!e || !['offset', 'count', 'decode'].some((k) => k in e)) throw err;
        res = await ctx.cluster.client.request('GET', path, { file: args.path }, opts);
        exact = false;
      }
      const content = String(res?.content ?? '');
      const more = res?.truncated === 1 || res?.truncated === true;
      if (exact) {
        bytes = Buffer.from(content, 'base64');
        truncated = more;
      } else {
        const all = bytesFromPve(content);
        bytes = all.subarray(args.offset, args.offset + args.max_bytes);
        truncated = more || args.offset + bytes.length < all.length;
      }
    } catch (err) {
      throw agentFailure(err, guest, ctx.cluster);
    }
    const text = utf8Text(bytes, truncated);
    const encoding = text === undefined ? 'base64' : 'utf-8';
    const content = text ?? bytes.toString('base64');
    const next = truncated ? args.offset + bytes.length : undefined;
    const head = `${args.path} on ${guestLabel(guest)}: ${bytes.length} bytes from offset ${args.offset}${truncated ? `; more follows, read on with offset ${next}` : ' (to the end)'}.`;
    return {
      structured: {
        cluster: ctx.cluster.name,
        vmid: guest.vmid,
        node: guest.node,
        path: args.path,
        offset: args.offset,
        bytes: bytes.length,
        encoding,
        content,
        truncated,
        ...(next !== undefined ? { next_offset: next } : {}),
      },
      text: `${head}${encoding === 'base64' ? ' Not text: shown as base64.' : ''}\n${content}`,
    };
  },
});
