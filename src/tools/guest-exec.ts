import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { splitCommand } from '../safety/exec-policy.js';
import { ProxmoxError } from '../proxmox/errors.js';
import { vmid } from './fields.js';
import { bytesFromPve, describeAgentError, findAgentGuest, utf8Text } from './guest-agent-shared.js';
import { guestLabel } from './guest-lookup.js';
import { defineTool, type ToolDefinition } from './types.js';

/** What the model reads of stdout and stderr, each; the rest is left out with a note. */
const SHOWN_CHARS = 8000;
const DEFAULT_TIMEOUT_S = 30;
const MAX_TIMEOUT_S = 600;
/** Quick at first (most commands end at once), then every second. */
const POLL_MS = [100, 200, 400, 800, 1000];

interface ExecStatus {
  exited?: number | boolean;
  exitcode?: number;
  signal?: number;
  'out-data'?: string;
  'err-data'?: string;
  'out-truncated'?: number | boolean;
  'err-truncated'?: number | boolean;
}

/**
 * The command as sent: a list as given; a string split by splitCommand (whitespace, '…'/"…" grouping,
 * nothing else), never handed to a shell.
 */
const command = z
  .unknown()
  .superRefine((v, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (typeof v === 'string') {
      try {
        if (splitCommand(v).length === 0)
          fail('is empty: give a program and its arguments, e.g. ["df","-h"]');
      } catch (err) {
        fail(`${(err as Error).message}; or give a list, e.g. ["grep","a b","/etc/hosts"]`);
      }
    } else if (!Array.isArray(v) || v.length === 0 || !v.every((a) => typeof a === 'string'))
      fail('must be a list of strings (program and arguments), e.g. ["df","-h"], or one string');
  })
  .transform((v) => (typeof v === 'string' ? splitCommand(v) : (v as string[])))
  .meta({ type: ['array', 'string'], items: { type: 'string' }, minItems: 1 })
  .describe(
    'Program and arguments, e.g. ["df","-h"]; a string is split on spaces (quotes group). No pipes, ;, $()',
  );

const input = {
  vmid,
  command,
  input: z.string().max(65536).optional().describe('Text for its stdin'),
  timeout_seconds: z
    .number()
    .int()
    .min(1)
    .max(MAX_TIMEOUT_S)
    .default(DEFAULT_TIMEOUT_S)
    .describe(`Seconds to wait for exit (default ${DEFAULT_TIMEOUT_S})`),
};

const output = z.object({
  cluster: z.string(),
  vmid: z.number(),
  node: z.string(),
  command: z.array(z.string()),
  pid: z.number().optional(),
  exited: z.boolean(),
  exitcode: z.number().optional(),
  signal: z.number().optional(),
  stdout: z.string().optional(),
  stderr: z.string().optional(),
  /** The agent kept only part of the output (QGA's own limit). */
  out_truncated: z.boolean().optional(),
  err_truncated: z.boolean().optional(),
  duration_ms: z.number(),
  notes: z.array(z.string()).optional(),
});

const DESCRIPTION =
  "Runs one program (no shell) inside a QEMU VM through the guest agent; returns exit code, stdout, stderr. The operator's command policy decides what runs; by default the user is asked. VMs only.";

export const guestExec: ToolDefinition = defineTool({
  name: 'guest_exec',
  title: 'Run a command inside a VM (guest agent)',
  description: DESCRIPTION,
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  cluster: 'single',
  // Read-only clusters: only what policy.exec.read_only_allow names runs (README, Inside the guests).
  readOnlyVariant: () => ({
    ...guestExec,
    description: `${DESCRIPTION} Read-only: only commands the operator allowed for read-only use run.`,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    readOnlyVariant: undefined,
  }),
  async handler(args, ctx) {
    const opts = { signal: ctx.signal, context: ctx.requestContext };
    const guest = await findAgentGuest(ctx.cluster, args.vmid, opts);
    const label = guestLabel(guest);
    const base = `/nodes/${guest.node}/qemu/${guest.vmid}/agent`;
    const argv = args.command;
    const started = Date.now();
    const fail = (err: unknown, pid?: number) => ({
      structured: {
        cluster: ctx.cluster.name,
        vmid: guest.vmid,
        node: guest.node,
        command: argv,
        ...(pid !== undefined ? { pid } : {}),
        exited: false,
        duration_ms: Date.now() - started,
      },
      // Once started, the program runs on whatever happens to the polling: say which pid it is.
      text:
        describeAgentError(err, guest, ctx.cluster) +
        (pid !== undefined
          ? `\nThe command was started (pid ${pid}) and may still be running in the guest; do not start it again. proxmox_api_call GET ${base}/exec-status with data {"pid": ${pid}} reports its outcome.`
          : ''),
      isError: true,
    });
    let pid: number;
    try {
      const res = await ctx.cluster.client.request<{ pid?: number }>(
        'POST',
        `${base}/exec`,
        { command: argv, ...(args.input !== undefined ? { 'input-data': args.input } : {}) },
        opts,
      );
      if (typeof res?.pid !== 'number')
        throw new ProxmoxError(
          'INVALID_RESPONSE',
          `agent/exec answered without a pid: ${JSON.stringify(res)}`,
          {
            cluster: ctx.cluster.name,
            method: 'POST',
            path: `${base}/exec`,
          },
        );
      pid = res.pid;
    } catch (err) {
      if (err instanceof ProxmoxError && err.code === 'INVALID_RESPONSE') throw err;
      return fail(err);
    }
    const deadline = started + args.timeout_seconds * 1000;
    let status: ExecStatus = {};
    for (let i = 0; ; i++) {
      try {
        status = await ctx.cluster.client.request<ExecStatus>('GET', `${base}/exec-status`, { pid }, opts);
      } catch (err) {
        return fail(err, pid);
      }
      if (status.exited === 1 || status.exited === true) break;
      const left = deadline - Date.now();
      if (left <= 0) {
        const shown = JSON.stringify(argv);
        return {
          structured: {
            cluster: ctx.cluster.name,
            vmid: guest.vmid,
            node: guest.node,
            command: argv,
            pid,
            exited: false,
            duration_ms: Date.now() - started,
          },
          text: `${shown} on ${label} has not exited after ${args.timeout_seconds} s. It keeps running in the guest (pid ${pid}); do not start it again. Its output is collected when it ends: proxmox_api_call GET ${base}/exec-status with data {"pid": ${pid}} reports it (once; the agent then forgets the pid).`,
          isError: true,
        };
      }
      const elapsed = (Date.now() - started) / 1000;
      await ctx.progress(elapsed, args.timeout_seconds, `${label}: ${argv[0] ?? ''} running (pid ${pid})`);
      await sleep(Math.min(POLL_MS[Math.min(i, POLL_MS.length - 1)] ?? 1000, left), undefined, {
        signal: ctx.signal,
      });
    }
    const notes: string[] = [];
    const stream = (name: 'stdout' | 'stderr', data: string | undefined) => {
      if (!data) return undefined;
      const bytes = bytesFromPve(data);
      // Bytes that are not UTF-8: PVE may have sent the text decoded after all; take it as it came.
      let text = utf8Text(bytes, false) ?? utf8Text(Buffer.from(data, 'utf8'), false);
      if (text === undefined) {
        notes.push(`${name} is not text: shown as base64`);
        text = bytes.toString('base64');
      }
      if (text.length <= SHOWN_CHARS) return text;
      notes.push(
        `${name} cut to its first ${SHOWN_CHARS} of ${text.length} characters: narrow the command (e.g. journalctl -n 50, head) to see the rest`,
      );
      return text.slice(0, SHOWN_CHARS);
    };
    const stdout = stream('stdout', status['out-data']);
    const stderr = stream('stderr', status['err-data']);
    const outTruncated = status['out-truncated'] === 1 || status['out-truncated'] === true;
    const errTruncated = status['err-truncated'] === 1 || status['err-truncated'] === true;
    if (outTruncated) notes.push('the guest agent kept only part of stdout (out-truncated)');
    if (errTruncated) notes.push('the guest agent kept only part of stderr (err-truncated)');
    const duration = Date.now() - started;
    const ended =
      status.exitcode !== undefined
        ? `exited with code ${status.exitcode}`
        : status.signal !== undefined
          ? `was ended by signal ${status.signal}`
          : 'exited';
    const text = [
      `${JSON.stringify(argv)} on ${label} ${ended} (${(duration / 1000).toFixed(1)} s).`,
      stdout !== undefined ? `stdout:\n${stdout}` : 'stdout: (empty)',
      ...(stderr !== undefined ? [`stderr:\n${stderr}`] : []),
      ...notes.map((n) => `Note: ${n}.`),
    ].join('\n');
    return {
      structured: {
        cluster: ctx.cluster.name,
        vmid: guest.vmid,
        node: guest.node,
        command: argv,
        pid,
        exited: true,
        ...(status.exitcode !== undefined ? { exitcode: status.exitcode } : {}),
        ...(status.signal !== undefined ? { signal: status.signal } : {}),
        ...(stdout !== undefined ? { stdout } : {}),
        ...(stderr !== undefined ? { stderr } : {}),
        ...(outTruncated ? { out_truncated: true } : {}),
        ...(errTruncated ? { err_truncated: true } : {}),
        duration_ms: duration,
        ...(notes.length ? { notes } : {}),
      },
      // A non-zero exit code is the command's answer (systemctl is-active says 3 for "inactive").
      text,
    };
  },
});
