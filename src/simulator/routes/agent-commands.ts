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
      description:
        'Executes the given command in the vm via the guest-agent and returns an object with the pid.',
      permissions: { check: ['perm', '/vms/{vmid}', ['VM.GuestAgent.Unrestricted']] },
      parameters: {
        additionalProperties: 0,
        properties: {
          command: {
            description: 'The command as a list of program + arguments.',
            items: { description: 'A single part of the program + arguments.', type: 'string' },
            type: 'array',
            typetext: '<array>',
          },
          'input-data': {
            description: "Data to pass as 'input-data' to the guest. Usually treated as STDIN to 'command'.",
            maxLength: 65536,
            optional: 1,
            type: 'string',
            typetext: '<string>',
          },
          node: nodeProp,
          vmid: vmidProp,
        },
      },
      returns: {
        properties: {
          pid: { description: 'The PID of the process started by the guest-agent.', type: 'integer' },
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
      description: 'Gets the status of the given pid started by the guest-agent',
      permissions: { check: ['perm', '/vms/{vmid}', ['VM.GuestAgent.Unrestricted']] },
      parameters: {
        additionalProperties: 0,
        properties: {
          node: nodeProp,
          pid: { description: 'The PID to query', type: 'integer', typetext: '<integer>' },
          vmid: vmidProp,
        },
      },
      returns: {
        properties: {
          'err-data': { description: 'stderr of the process', optional: 1, type: 'string' },
          'err-truncated': {
            description: 'true if stderr was not fully captured',
            optional: 1,
            type: 'boolean',
          },
          exitcode: {
            description: 'process exit code if it was normally terminated.',
            optional: 1,
            type: 'integer',
          },
          exited: { description: 'Tells if the given command has exited yet.', type: 'boolean' },
          'out-data': { description: 'stdout of the process', optional: 1, type: 'string' },
          'out-truncated': {
            description: 'true if stdout was not fully captured',
            optional: 1,
            type: 'boolean',
          },
          signal: {
            description: 'signal number or exception code if the process was abnormally terminated.',
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
      description: 'Reads the given file via guest agent. Is limited to 16777216 bytes.',
      permissions: {
        check: ['perm', '/vms/{vmid}', ['VM.GuestAgent.FileRead', 'VM.GuestAgent.Unrestricted'], 'any', 1],
      },
      parameters: {
        additionalProperties: 0,
        properties: {
          count: {
            default: String(FILE_READ_MAX),
            description: 'Number of bytes to read.',
            // A string in PVE's own schema (a Perl constant stringified); kept as PVE publishes it.
            maximum: String(FILE_READ_MAX) as unknown as number,
            minimum: 1,
            optional: 1,
            type: 'integer',
            typetext: '<integer> (1 - 16777216)',
          },
          decode: {
            default: 1,
            description:
              'Data received from the QEMU Guest-Agent is base64 encoded. If this is set to true, the data is decoded. Otherwise the content is forwarded with base64 encoding. Defaults to true.',
            optional: 1,
            type: 'boolean',
            typetext: '<boolean>',
          },
          file: { description: 'The path to the file', type: 'string', typetext: '<string>' },
          node: nodeProp,
          offset: {
            default: 0,
            description: 'Offset to start reading at',
            minimum: 0,
            optional: 1,
            type: 'integer',
            typetext: '<integer> (0 - N)',
          },
          vmid: vmidProp,
        },
      },
      returns: {
        description: 'Returns an object with a `content` property.',
        properties: {
          content: { description: 'The content of the file, maximum 16777216', type: 'string' },
          truncated: {
            description: 'If set to 1, the read did not reach the end of the file.',
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
      description: 'Writes the given file via guest agent.',
      permissions: {
        check: ['perm', '/vms/{vmid}', ['VM.GuestAgent.FileWrite', 'VM.GuestAgent.Unrestricted'], 'any', 1],
      },
      parameters: {
        additionalProperties: 0,
        properties: {
          content: {
            description: 'The content to write into the file.',
            maxLength: 61440,
            type: 'string',
            typetext: '<string>',
          },
          encode: {
            default: 1,
            description:
              'If set, the content will be encoded as base64 (required by QEMU).Otherwise the content needs to be encoded beforehand - defaults to true.',
            optional: 1,
            type: 'boolean',
            typetext: '<boolean>',
          },
          file: { description: 'The path to the file.', type: 'string', typetext: '<string>' },
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
