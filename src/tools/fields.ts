import { z } from 'zod';
import { DEFAULT_WAIT_SECONDS, MAX_WAIT_SECONDS } from '../tasks/wait.js';

/**
 * Named field validators shared by tools. The describe() text is read by the model, so it says what
 * the value is and where to get it.
 */
export const nodeName = z
  .string()
  .regex(/^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/, 'must be a Proxmox node name such as "pve1"')
  .describe('Node name as shown by list_nodes, e.g. "pve1"');

export const vmid = z.coerce
  .number({ error: 'must be a number: the guest ID (VMID), e.g. 100' })
  .int('must be a whole number, e.g. 100')
  .min(100, 'VMIDs start at 100')
  .max(999_999_999, 'VMIDs end at 999999999')
  .describe('Guest ID (VMID), e.g. 100');

export const upid = z
  .string()
  .regex(
    /^UPID:[a-zA-Z0-9][a-zA-Z0-9-]*:[0-9A-Fa-f]{8}:[0-9A-Fa-f]{8,9}:[0-9A-Fa-f]{8}:[^:\s/]+:[^:\s/]*:[^:\s/]+:$/,
    'must be a task UPID like "UPID:pve1:0001A2B3:...:qmstart:100:root@pam!mcp:"',
  )
  .describe(
    'Task ID (UPID) as returned by an action, e.g. "UPID:pve1:0001A2B3:00C0FFEE:67A0B1C2:qmstart:100:root@pam!mcp:"',
  );

export const limit = (dflt: number, max: number) =>
  z
    .number()
    .int()
    .min(1)
    .max(max)
    .default(dflt)
    .describe(
      `Maximum number of rows to return (default ${dflt}, at most ${max}); the result says when rows were left out`,
    );

/**
 * How long to wait for a task: seconds, or true (60 s) / false (0: return the UPID at once). Listed as
 * `"type": ["integer", "boolean"]` so schema-driven clients offer both (not as anyOf, which some
 * clients drop); null, which some send for an empty field, means the default.
 */
export const waitField = (dflt: number) =>
  z
    .unknown()
    // A refinement, not z.custom: it lets the object report other bad keys (z.custom stops there).
    .refine(
      (v) =>
        v === undefined ||
        v === null ||
        typeof v === 'boolean' ||
        (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_WAIT_SECONDS),
      {
        message: `must be seconds from 0 to ${MAX_WAIT_SECONDS}, or true (${DEFAULT_WAIT_SECONDS}) / false (0)`,
      },
    )
    .optional()
    .transform((v) =>
      v === true ? DEFAULT_WAIT_SECONDS : v === false ? 0 : ((v as number | null | undefined) ?? dflt),
    )
    .meta({ type: ['integer', 'boolean'], minimum: 0, maximum: MAX_WAIT_SECONDS })
    .describe(
      `Seconds to wait for the task (true = ${DEFAULT_WAIT_SECONDS}, false/0 = return the UPID at once; max ${MAX_WAIT_SECONDS}; default ${dflt}); get_task continues a wait that ran out`,
    );
