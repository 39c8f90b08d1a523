import { fail } from '../errors.js';
import type { Guest } from '../fleet.js';
import type { HandlerContext, RouteDef } from '../route-types.js';
import { agentEnabled } from './config-props.js';
import { loadGuest } from './helpers.js';
import { nodeProp, vmidProp } from './props.js';
import { agentExec, agentExecStatus, agentFileRead, agentFileWrite, FILE_READ_MAX } from '../guest-agent.js';

/**
 * The guest agent's command endpoints (run a program, its status, read and write a file), answered from
 * the simulated guest's scripted commands and in-memory files (../guest-agent.ts). agent.ts holds the
 * agent's index and the network details.
 */

/** PVE::QemuServer::Agent assert_agent_available, then the QGA ping. */
export function agentGuest(ctx: HandlerContext): Guest {
  const g = loadGuest(ctx, 'qemu');
  if (g.config.agent === undefined) throw fail('No QEMU guest agent configured');
  if (g.status !== 'running') throw fail(`VM ${g.vmid} is not running`);
  if (!agentEnabled(g)) throw fail('QEMU guest agent is not enabled');
  if (!g.agentResponds) throw fail('QEMU guest agent is not running');
  if (g.paused) throw fail(`VM ${g.vmid} qmp command 'guest-ping' failed - got timeout`);
  return g;
}

/** exec, exec-status, file-read, file-write: schemas as in PVE 9.2's apidoc.json. */
export function agentCommandRoutes(): RouteDef[] {
  const base = { proxyto: 'node' as const, protected: 1 as const };
  return [
    {
      ...base,
      method: 'POST',
      path: '/nodes/{node}/qemu/{vmid}/agent/exec',
      name: 'exec',
      description: 'Runs a command inside the VM through the QEMU guest agent; answers with its process id.',
      permissions: { check: ['perm', '/vms/{vmid}', ['VM.GuestAgent.Unrestricted']] },
      parameters: {
        additionalProperties: 0,
        properties: {
          command: {
            items: { type: 'string' },
            type: 'array',
          },
          'input-data': {
            maxLength: 65536,
            optional: 1,
            type: 'string',
          },
          node: nodeProp,
          vmid: vmidProp,
        },
      },
      returns: {
        properties: {
          pid: { type: 'integer' },
        },
        type: 'object',
      },
      handler: (ctx) => {
        const g = agentGuest(ctx);
        // validate.ts joins an 'array' parameter's elements with NUL (a scalar was wrapped first).
        const argv = (ctx.params.str('command') ?? '').split('\0');
        return agentExec(g, argv, ctx.params.str('input-data'), ctx.state.clock.nowMs());
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/nodes/{node}/qemu/{vmid}/agent/exec-status',
      name: 'exec-status',
      description: 'State and output of a process that agent/exec started.',
      permissions: { check: ['perm', '/vms/{vmid}', ['VM.GuestAgent.Unrestricted']] },
      parameters: {
        additionalProperties: 0,
        properties: {
          node: nodeProp,
          pid: { type: 'integer' },
          vmid: vmidProp,
        },
      },
      returns: {
        properties: {
          'err-data': { optional: 1, type: 'string' },
          'err-truncated': {
            optional: 1,
            type: 'boolean',
          },
          exitcode: {
            optional: 1,
            type: 'integer',
          },
          exited: { type: 'boolean' },
          'out-data': { optional: 1, type: 'string' },
          'out-truncated': {
            optional: 1,
            type: 'boolean',
          },
          signal: {
            optional: 1,
            type: 'integer',
          },
        },
        type: 'object',
      },
      handler: (ctx) => agentExecStatus(agentGuest(ctx), ctx.params.int('pid') ?? 0, ctx.state.clock.nowMs()),
    },
    {
      ...base,
      method: 'GET',
      path: '/nodes/{node}/qemu/{vmid}/agent/file-read',
      name: 'file-read',
      description: 'Contents of a file inside the VM, through the guest agent (16 MiB at most).',
      permissions: {
        check: ['perm', '/vms/{vmid}', ['VM.GuestAgent.FileRead', 'VM.GuestAgent.Unrestricted'], 'any', 1],
      },
      parameters: {
        additionalProperties: 0,
        properties: {
          count: {
            default: String(FILE_READ_MAX),
            // A string in PVE's own schema (a Perl constant stringified); kept as PVE publishes it.
            maximum: String(FILE_READ_MAX) as unknown as number,
            minimum: 1,
            optional: 1,
            type: 'integer',
          },
          decode: {
            default: 1,
            optional: 1,
            type: 'boolean',
          },
          file: { type: 'string' },
          node: nodeProp,
          offset: {
            default: 0,
            minimum: 0,
            optional: 1,
            type: 'integer',
          },
          vmid: vmidProp,
        },
      },
      returns: {
        properties: {
          content: { type: 'string' },
          truncated: {
            optional: 1,
            type: 'boolean',
          },
        },
        type: 'object',
      },
      // decode=1 (the default) hands back the raw bytes, which JSON carries as Latin-1 characters.
      handler: (ctx) => {
        const g = agentGuest(ctx);
        const decode = ctx.params.has('decode') ? ctx.params.bool('decode') : true;
        const { bytes, truncated } = agentFileRead(
          g,
          ctx.params.str('file') ?? '',
          ctx.params.int('offset') ?? 0,
          ctx.params.int('count') ?? FILE_READ_MAX,
        );
        return {
          content: decode ? bytes.toString('latin1') : bytes.toString('base64'),
          ...(truncated ? { truncated: 1 } : {}),
        };
      },
    },
    {
      ...base,
      method: 'POST',
      path: '/nodes/{node}/qemu/{vmid}/agent/file-write',
      name: 'file-write',
      description: 'Writes a file inside the VM, through the guest agent.',
      permissions: {
        check: ['perm', '/vms/{vmid}', ['VM.GuestAgent.FileWrite', 'VM.GuestAgent.Unrestricted'], 'any', 1],
      },
      parameters: {
        additionalProperties: 0,
        properties: {
          content: {
            maxLength: 61440,
            type: 'string',
          },
          encode: {
            default: 1,
            optional: 1,
            type: 'boolean',
          },
          file: { type: 'string' },
          node: nodeProp,
          vmid: vmidProp,
        },
      },
      returns: { type: 'null' },
      handler: (ctx) => {
        const g = agentGuest(ctx);
        const encode = ctx.params.has('encode') ? ctx.params.bool('encode') : true;
        const content = ctx.params.str('content') ?? '';
        agentFileWrite(
          g,
          ctx.params.str('file') ?? '',
          encode ? Buffer.from(content, 'utf8') : Buffer.from(content, 'base64'),
        );
        return null;
      },
    },
  ];
}
