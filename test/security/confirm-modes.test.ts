import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ElicitRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProxmoxRefusedError } from '../../src/proxmox/errors.js';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { assertBuilt, binPath, envFor, runCli } from '../helpers/cli.js';
import { startHarness, textOf } from '../helpers/harness.js';
import { spawnSse, type SpawnedServer } from '../http/helpers.js';

/**
 * Confirmation never fails open by accident (issue 12, observation 9). In every transport a client
 * that declared elicitation is asked, and when it declines nothing reaches Proxmox (the simulator's
 * request log). Where nobody can be asked, the `confirmation` setting decides: a client without
 * elicitation gets the request sent under `client-approval` (the default) and refused under `strict`;
 * --stateless HTTP, whose per-request servers cannot carry a question, refuses unless the operator
 * set `client-approval` explicitly. Before the fix, --stateless stopped the VM without a question.
 */

const STOP = { vmid: 100, action: 'stop' } as const;
const STOP_PATH = '/api2/json/nodes/pve1/qemu/100/status/stop';

let sim: Simulator;
beforeAll(async () => {
  assertBuilt();
  sim = await startSimulator({ taskDurationMs: 50 });
});
afterAll(async () => sim?.close());
beforeEach(() => {
  sim.requests.length = 0;
});

const sent = () => sim.requests.filter((q) => q.method !== 'GET').map((q) => `${q.method} ${q.path}`);

/** A real SDK client; with `elicitation` it declines every question and counts them. */
function makeClient(elicitation: boolean) {
  const client = new Client(
    { name: elicitation ? 'asking-client' : 'plain-client', version: '1' },
    elicitation ? { capabilities: { elicitation: {} } } : undefined,
  );
  const asked: string[] = [];
  if (elicitation)
    client.setRequestHandler(ElicitRequestSchema, (req) => {
      asked.push(req.params.message);
      return { action: 'decline' };
    });
  return { client, asked };
}

async function stopThrough(transport: Transport, elicitation: boolean) {
  const { client, asked } = makeClient(elicitation);
  await client.connect(transport);
  try {
    const r = (await client.callTool({ name: 'guest_action', arguments: STOP })) as CallToolResult;
    return { r, text: textOf(r), asked };
  } finally {
    await client.close();
  }
}

function stdioTransport(env: Record<string, string> = {}) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [binPath],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...envFor(sim), ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return { transport, stderr: () => stderr };
}

describe('in-memory (the harness)', () => {
  it('a client with elicitation is asked; declined, nothing is sent', async () => {
    const asked: string[] = [];
    const h = await startHarness({
      clusters: [{ name: 'demo', existing: sim }],
      clientCapabilities: { capabilities: { elicitation: {} } },
    });
    h.client.setRequestHandler(ElicitRequestSchema, (req) => {
      asked.push(req.params.message);
      return { action: 'decline' };
    });
    const r = await h.call('guest_action', STOP);
    await h.close();
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/and the user declined/);
    expect(asked).toHaveLength(1);
    expect(sent()).toEqual([]);
  });

  it('no elicitation, default: sent (the client-approval fallback)', async () => {
    const h = await startHarness({ clusters: [{ name: 'demo', existing: sim }] });
    const r = await h.call('guest_action', STOP);
    await h.close();
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(sent()).toEqual([`POST ${STOP_PATH}`]);
    expect(h.logs.join('\n')).toMatch(
      /harness does not support MCP elicitation: requests matching "confirm" rules are sent without asking/,
    );
  });

  it('no elicitation, strict: refused, with why and what to do, and nothing is sent', async () => {
    const h = await startHarness({
      clusters: [
        {
          name: 'demo',
          existing: sim,
          config: { confirmation: { mode: 'strict', source: 'confirmation: "strict" in test.json' } },
        },
      ],
    });
    const r = await h.call('guest_action', STOP);
    await h.close();
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(
      /^Not sent: POST \/nodes\/pve1\/qemu\/100\/status\/stop on cluster "demo" needs the user's confirmation \(rule "[^"]+", [^)]+\), but the client \(harness\) does not support MCP elicitation, so the user cannot be asked, and confirmation is "strict" \(confirmation: "strict" in test.json\)/,
    );
    expect(textOf(r)).toContain('Nothing was sent to Proxmox');
    expect(sent()).toEqual([]);
    expect(h.logs.join('\n')).toMatch(/harness does not support MCP elicitation: .*are refused/);
  });

  it('a request with no way to ask and no reason why is refused, not sent (no accidental fail-open)', async () => {
    const h = await startHarness({ clusters: [{ name: 'demo', existing: sim }] });
    const client = h.runtime.registry.get('demo').client;
    const err = await client.request('POST', '/nodes/pve1/qemu/100/status/stop').catch((e: unknown) => e);
    await h.close();
    expect(err).toBeInstanceOf(ProxmoxRefusedError);
    expect((err as ProxmoxRefusedError).code).toBe('NOT_CONFIRMED');
    expect((err as Error).message).toMatch(/no way to ask the user came with this request/);
    expect(sent()).toEqual([]);
  });
});

describe('stdio (the built binary, the SDK stdio client)', () => {
  it('a client with elicitation is asked; declined, nothing is sent', async () => {
    const { transport } = stdioTransport();
    const { r, text, asked } = await stopThrough(transport, true);
    expect(r.isError).toBe(true);
    expect(text).toMatch(/and the user declined/);
    expect(asked).toHaveLength(1);
    expect(sent()).toEqual([]);
  });

  it('no elicitation: sent by default, and the start-up line says so', async () => {
    const t = stdioTransport();
    const { r, text } = await stopThrough(t.transport, false);
    expect(r.isError, text).toBeFalsy();
    expect(sent()).toEqual([`POST ${STOP_PATH}`]);
    expect(t.stderr()).toMatch(
      /confirm rules: clients with MCP elicitation are asked; for other clients matching requests are sent .*"client-approval" \(the default/,
    );
  });

  it('no elicitation, PROXMOX_MCP_CONFIRMATION=strict: refused, nothing is sent', async () => {
    const t = stdioTransport({ PROXMOX_MCP_CONFIRMATION: 'strict' });
    const { r, text } = await stopThrough(t.transport, false);
    expect(r.isError).toBe(true);
    expect(text).toMatch(/confirmation is "strict" \(PROXMOX_MCP_CONFIRMATION=strict\)/);
    expect(sent()).toEqual([]);
    expect(t.stderr()).toMatch(/for other clients matching requests are refused; confirmation "strict"/);
  });

  it('a tools/call before initialize: nothing is known of the client, so it is refused', async () => {
    const line = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'guest_action', arguments: STOP },
    });
    const r = await runCli([], { env: envFor(sim), input: `${line}\n`, timeoutMs: 15_000 });
    const answer = JSON.parse(r.stdout.trim().split('\n')[0]!) as { result: CallToolResult };
    expect(answer.result.isError).toBe(true);
    expect(textOf(answer.result)).toMatch(/the client has not sent `initialize` on this connection/);
    expect(sent()).toEqual([]);
  });
});

describe('HTTP (the built binary: proxmox-mcp sse)', () => {
  const servers: SpawnedServer[] = [];
  afterAll(async () => {
    for (const s of servers) {
      s.child.kill('SIGTERM');
      await s.exit;
    }
  });
  async function sse(args: string[], env: Record<string, string> = {}) {
    const s = await spawnSse(['--port', '0', ...args], { ...envFor(sim), ...env });
    servers.push(s);
    return s;
  }
  const streamable = (url: string) => new StreamableHTTPClientTransport(new URL('/mcp', url));

  it('stateful Streamable HTTP: a client with elicitation is asked; declined, nothing is sent', async () => {
    const s = await sse([]);
    const { r, text, asked } = await stopThrough(streamable(s.url), true);
    expect(r.isError).toBe(true);
    expect(text).toMatch(/and the user declined/);
    expect(asked).toHaveLength(1);
    expect(sent()).toEqual([]);
  });

  it('legacy SSE: a client with elicitation is asked; declined, nothing is sent', async () => {
    const s = await sse([]);
    const { r, text, asked } = await stopThrough(new SSEClientTransport(new URL('/sse', s.url)), true);
    expect(r.isError).toBe(true);
    expect(text).toMatch(/and the user declined/);
    expect(asked).toHaveLength(1);
    expect(sent()).toEqual([]);
  });

  it('stateful Streamable HTTP and legacy SSE, no elicitation, default: sent (client-approval)', async () => {
    const s = await sse([]);
    for (const transport of [streamable(s.url), new SSEClientTransport(new URL('/sse', s.url))]) {
      sim.requests.length = 0;
      const { r, text } = await stopThrough(transport, false);
      expect(r.isError, text).toBeFalsy();
      expect(sent()).toEqual([`POST ${STOP_PATH}`]);
    }
  });

  it('stateful, no elicitation, --confirmation strict: refused, nothing is sent', async () => {
    const s = await sse(['--confirmation', 'strict']);
    const { r, text } = await stopThrough(streamable(s.url), false);
    expect(r.isError).toBe(true);
    expect(text).toMatch(/confirmation is "strict" \(--confirmation strict\)/);
    expect(sent()).toEqual([]);
  });

  it('--stateless: refused even for a client with elicitation (it cannot be asked), saying why and what to do', async () => {
    const s = await sse(['--stateless']);
    expect(s.stderr()).toMatch(
      /confirm rules: --stateless cannot ask anyone, so matching requests are refused/,
    );
    for (const elicitation of [true, false]) {
      const { r, text, asked } = await stopThrough(streamable(s.url), elicitation);
      expect(r.isError).toBe(true);
      expect(text).toMatch(
        /^Not sent: POST \/nodes\/pve1\/qemu\/100\/status\/stop on cluster "default" needs the user's confirmation .*, but this server cannot ask: it runs stateless HTTP \(--stateless\)/,
      );
      expect(text).toMatch(/without --stateless .* or set confirmation to "client-approval"/);
      expect(asked).toEqual([]);
    }
    expect(sent()).toEqual([]);
    // Requests no rule names are unaffected.
    const { client } = makeClient(false);
    await client.connect(streamable(s.url));
    const start = (await client.callTool({
      name: 'guest_action',
      arguments: { vmid: 100, action: 'start', wait: 0 },
    })) as CallToolResult;
    await client.close();
    expect(start.isError, textOf(start)).toBeFalsy();
  });

  it('--stateless with confirmation "client-approval" set explicitly: sent (the operator chose it)', async () => {
    const s = await sse(['--stateless'], { PROXMOX_MCP_CONFIRMATION: 'client-approval' });
    expect(s.stderr()).toMatch(
      /--stateless cannot ask anyone, so matching requests are sent on the client's own approval/,
    );
    const { r, text } = await stopThrough(streamable(s.url), true);
    expect(r.isError, text).toBeFalsy();
    expect(sent()).toEqual([`POST ${STOP_PATH}`]);
  });

  it('a misspelt setting stops start-up instead of falling back', async () => {
    const s = await spawnSse(['--port', '0'], { ...envFor(sim), PROXMOX_MCP_CONFIRMATION: 'stict' }).catch(
      (e: unknown) => e,
    );
    expect(String(s)).toMatch(/PROXMOX_MCP_CONFIRMATION: "stict" is not a confirmation mode/);
  });
});
