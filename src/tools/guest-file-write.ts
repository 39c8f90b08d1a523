import { z } from 'zod';
import { ProxmoxError } from '../proxmox/errors.js';
import { vmid } from './fields.js';
import { agentFailure, findAgentGuest } from './guest-agent-shared.js';
import { guestLabel } from './guest-lookup.js';
import { defineTool } from './types.js';

/** PVE takes at most 61440 characters of base64 content: 46080 bytes. */
const MAX_BYTES = 46080;

export const guestFileWrite = defineTool({
  name: 'guest_file_write',
  title: 'Write a file inside a VM (guest agent)',
  description:
    'Writes (replaces) a file inside a QEMU VM through the guest agent. Asks the user first. VMs only.',
  input: {
    vmid,
    path: z.string().min(1).max(4096).describe('Absolute path in the guest'),
    content: z.string().describe(`Text to write (UTF-8, at most ${MAX_BYTES} bytes)`),
  },
  output: z.object({
    cluster: z.string(),
    vmid: z.number(),
    node: z.string(),
    path: z.string(),
    bytes: z.number(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  cluster: 'single',
  async handler(args, ctx) {
    const opts = { signal: ctx.signal, context: ctx.requestContext };
    const bytes = Buffer.from(args.content, 'utf8');
    if (bytes.length > MAX_BYTES)
      throw new ProxmoxError(
        'REFUSED',
        `content is ${bytes.length} bytes; PVE takes at most ${MAX_BYTES} per write. Nothing was sent.`,
        { cluster: ctx.cluster.name, method: 'POST', path: 'agent/file-write' },
      );
    const guest = await findAgentGuest(ctx.cluster, args.vmid, opts);
    const path = `/nodes/${guest.node}/qemu/${guest.vmid}/agent/file-write`;
    try {
      // Base64 here (encode=0): the bytes arrive exactly, whatever characters the text holds.
      await ctx.cluster.client.request(
        'POST',
        path,
        { file: args.path, content: bytes.toString('base64'), encode: 0 },
        opts,
      );
    } catch (err) {
      throw agentFailure(err, guest, ctx.cluster);
    }
    return {
      structured: {
        cluster: ctx.cluster.name,
        vmid: guest.vmid,
        node: guest.node,
        path: args.path,
        bytes: bytes.length,
      },
      text: `Wrote ${bytes.length} bytes to ${args.path} on ${guestLabel(guest)}.`,
    };
  },
});
