import { z } from 'zod';

/** The structured form of a task report (TaskReport plus the wait fields), shared by the tools. */
export const taskReportSchema = z.object({
  upid: z.string(),
  node: z.string(),
  type: z.string(),
  id: z.string(),
  user: z.string(),
  status: z.enum(['running', 'stopped']),
  exitstatus: z.string().optional(),
  ok: z.boolean().optional(),
  starttime: z.number(),
  endtime: z.number().optional(),
  duration_s: z.number().optional(),
  log: z.array(z.object({ n: z.number(), t: z.string() })),
  log_total: z.number().optional(),
  log_error: z.string().optional(),
  waited_s: z.number().optional(),
  timed_out: z.boolean().optional(),
});

/** The write that was sent: in every result of a write, whatever happened afterwards. */
export const writeRequestSchema = z.object({
  method: z.string(),
  path: z.string(),
  upid: z.string().optional(),
});
