import { z } from 'zod';
import { renderTask, taskFailed } from '../tasks/render.js';
import { TaskWaitInterrupted } from '../tasks/interrupted.js';
import { taskReportSchema } from '../tasks/report-schema.js';
import { unknownOutcomeText } from '../tasks/unknown-outcome.js';
import { isUpid, parseUpid } from '../tasks/upid.js';
import { waitForTask, type WaitResult } from '../tasks/wait.js';
import { ProxmoxHttpError } from '../proxmox/errors.js';
import { describeError } from './error-result.js';
import { writeMayHaveRun } from './uncertain-write.js';
import { waitField } from './fields.js';
import { normalizeApiPath } from '../proxmox/api-path.js';
import { flatArgumentProblem } from '../proxmox/flat-params.js';
import { cutText } from '../clip.js';
import { preflight } from './api-preflight.js';
import { shapeList } from './shape-list.js';
import { defineTool, type ToolDefinition } from './types.js';
import { RAW_TEXT_BUDGET } from './shared-constants.js';

const outputSchema = z.object({
  cluster: z.string(),
  method: z.string(),
  path: z.string(),
  data: z.unknown(),
  total: z.number().optional(),
  truncated: z.boolean().optional(),
  /** Rows in the full list when `limit` cut it. */
  rows: z.number().optional(),
  /** Parameters rewritten to the form PVE accepts ("vmstate: true → 1"). */
  coercions: z.array(z.string()).optional(),
  /** When the answer was a task UPID (a write that started a task). */
  upid: z.string().optional(),
  /** When `wait` was given and the answer was a UPID: how the task ended (or that it still runs). */
  task: taskReportSchema.optional(),
  /** Set when a write's outcome is not known: why (no answer to it, or the wait was cut short). */
  outcome_unknown: z.string().optional(),
});

const description = (methods: string) =>
  `Calls any Proxmox VE API endpoint (${methods}) and returns its "data": for what the curated tools do not cover. path: without /api2/json, e.g. "/nodes/pve1/qemu/100/config" (no host, "..", "?" or "#"). data: the parameters (query for GET/DELETE, form fields for POST/PUT; booleans become 0/1). Actions return a task UPID: pass wait for the outcome, or follow it with get_task. Checked against the cluster's API schema first: a wrong path, method or parameter is refused with the valid alternatives (proxmox_api_describe looks endpoints up). For big lists pass fields and limit.`;

function build(readOnly: boolean): ToolDefinition {
  return defineTool({
    name: 'proxmox_api_call',
    title: readOnly ? 'Raw Proxmox API read (GET)' : 'Raw Proxmox API call',
    description: readOnly
      ? description('GET only: this server is read-only')
      : description('GET, POST, PUT, DELETE'),
    input: {
      path: z.string().min(1).max(2048).describe('API path, e.g. "/nodes/pve1/qemu/100/status/current"'),
      // Every method even when read-only: a write is then refused by the client with the setting that
      // refused it (--read-only, PROXMOX_MCP_READ_ONLY, clusters.X.read_only), not by a bare enum error.
      method: z
        .enum(['GET', 'POST', 'PUT', 'DELETE'])
        .default('GET')
        .describe(
          readOnly
            ? 'HTTP method: only GET is sent (read-only server; others are refused)'
            : 'GET reads, POST creates or acts, PUT changes config, DELETE removes',
        ),
      data: z
        .record(z.string(), z.unknown())
        // PVE takes flat values: a deep structure is refused here, before anything walks it.
        .superRefine((data, ctx) => {
          for (const [name, value] of Object.entries(data)) {
            const problem = flatArgumentProblem(name, value);
            if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [name] });
          }
        })
        .optional()
        .describe('Parameters as a flat object, e.g. {"snapname":"before-upgrade","vmstate":1}'),
      fields: z
        .array(z.string().min(1).max(64))
        .max(50)
        .optional()
        .describe('For lists: only these fields per row, e.g. ["vmid","name"]'),
      limit: z
        .number()
        .int()
        .min(1)
        .max(10_000)
        .optional()
        .describe('For lists: at most this many rows (the answer says how many)'),
      // Accepted even read-only, so a write with wait gets the read-only refusal, not "unrecognized key".
      wait: waitField(0),
    },
    output: outputSchema,
    annotations: readOnly
      ? { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }
      : { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    cluster: 'single',
    readOnlyVariant: readOnly ? undefined : () => build(true),
    async handler(args, ctx) {
      const opts = { signal: ctx.signal, context: ctx.requestContext };
      // Checked against the cluster's own API schema first (when it can be had): a call PVE would
      // reject is refused here with PVE's wording and the fix, and safe coercions are applied.
      let params: Record<string, unknown> = args.data ?? {};
      let coercions: string[] = [];
      let booleanParams: string[] | undefined;
      const normalized = tryNormalize(args.path);
      if (normalized) {
        const checked = await preflight(ctx, args.method, normalized, params);
        params = checked.params;
        coercions = checked.notes;
        booleanParams = checked.booleanParams;
      }
      const path = normalized ?? args.path;
      const sent = { cluster: ctx.cluster.name, method: args.method, path };
      let res: Awaited<ReturnType<typeof ctx.cluster.client.requestFull>>;
      try {
        res = await ctx.cluster.client.requestFull(args.method, args.path, params, opts);
      } catch (err) {
        // A write sent but unanswered, and 400s (whose advice depends on what was sent) are answered
        // here, with what was sent in structuredContent; everything else by the generic error path.
        const uncertain = writeMayHaveRun(err);
        if (!uncertain && !(err instanceof ProxmoxHttpError && err.code === 'PARAMETER_ERROR')) throw err;
        const text = describeError(err, ctx.cluster.config, { sent: args.data, booleanParams });
        return {
          structured: { ...sent, data: null, ...(uncertain ? { outcome_unknown: text } : {}) },
          text,
          isError: true,
        };
      }
      const shaped = shapeList(res.data, args.fields, args.limit);
      const waitSeconds = (args as { wait?: number }).wait ?? 0;
      const upid = isUpid(res.data) ? res.data : undefined;
      let task: WaitResult | undefined;
      if (waitSeconds > 0 && upid) {
        try {
          task = await waitForTask(ctx.cluster.client, upid, {
            ...opts,
            waitSeconds,
            onProgress: (p, total, message) => ctx.progress(p, total, message),
          });
        } catch (err) {
          if (!(err instanceof TaskWaitInterrupted)) throw err;
          // Not isError: PVE accepted the call and started the task; an error result would read as
          // "nothing happened" and invite sending it again. The text leads with "was started".
          const what = parseUpid(upid)?.type ?? 'task';
          return {
            structured: { ...sent, data: upid, upid, outcome_unknown: err.message },
            text: unknownOutcomeText(`${what} task`, sent, err),
          };
        }
      }
      const { json, cutNote } = renderData(shaped.data);
      const head = `${args.method} ${path} on ${ctx.cluster.name}${res.total !== undefined ? ` (total ${res.total})` : ''}:`;
      const notes: string[] = [];
      if (coercions.length) notes.push(`Parameters adjusted to what PVE accepts: ${coercions.join('; ')}.`);
      if (shaped.totalRows !== undefined) {
        notes.push(
          `Showing ${args.limit} of ${shaped.totalRows} rows; use fields/limit or the endpoint's filters to narrow.`,
        );
      }
      if (cutNote) notes.push(cutNote);
      if (task) notes.push(renderTask(task, ctx.cluster.name));
      else if (isUpid(res.data))
        notes.push(
          'This started a task. Call get_task with this upid (and wait_seconds) to learn how it ended.',
        );
      return {
        structured: {
          cluster: ctx.cluster.name,
          method: args.method,
          path,
          data: cutNote ? null : (shaped.data ?? null),
          ...(res.total !== undefined ? { total: res.total } : {}),
          ...(shaped.totalRows !== undefined ? { rows: shaped.totalRows } : {}),
          ...(cutNote ? { truncated: true } : {}),
          ...(coercions.length ? { coercions } : {}),
          ...(upid ? { upid } : {}),
          ...(task ? { task } : {}),
        },
        text: [`${head}\n${json}`, ...notes].join('\n'),
        ...(task && taskFailed(task) ? { isError: true } : {}),
      };
    },
  });
}

/** Compact JSON for the model; anything over the budget is cut with advice on narrowing. */
function renderData(data: unknown): { json: string; cutNote?: string } {
  const json = JSON.stringify(data, null, Array.isArray(data) && data.length > 20 ? undefined : 1) ?? 'null';
  if (json.length <= RAW_TEXT_BUDGET) return { json };
  return {
    // Redacted before the cut (clip.ts): a cut through a known secret must not keep a piece of it.
    json: cutText(json, RAW_TEXT_BUDGET).text,
    cutNote: `[cut at ${RAW_TEXT_BUDGET} of ${json.length} characters; narrow the request: fields and limit for lists, the endpoint's own filters (e.g. type, node), or a more specific path]`,
  };
}

function tryNormalize(path: string): string | undefined {
  try {
    return normalizeApiPath(path);
  } catch {
    return undefined; // the client refuses it with the reason
  }
}

export const proxmoxApiCall = build(false);
