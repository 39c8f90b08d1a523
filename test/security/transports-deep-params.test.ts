import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { assertBuilt, envFor, startCli } from '../helpers/cli.js';
import { TOKEN, auth, initializeBody, rawRequest, spawnSse, type SpawnedServer } from '../http/helpers.js';

/**
 * Issue 12, observation 2, over the wire: parameters nested many thousand levels deep, as JSON text
 * on stdio and in a Streamable HTTP POST to the built binary. The in-memory harness hands the server
 * objects; here the server parses the bytes itself, so every layer (JSON-RPC parse, the SDK's
 * validation, the tool's flat-parameter check) meets the depth. Each call is refused as not flat,
 * nothing reaches the simulator, and the server keeps answering. The cluster's API schema is
 * unavailable, so the schema pre-flight (which would also refuse a nested string) cannot help.
 */

const DEPTHS = [5_000, 100_000];
const FLAT_REFUSAL = /PVE takes flat values/;

/** A tools/call of a raw PUT whose `description` is `depth` objects or lists deep, as JSON text. */
function deepCall(id: number, depth: number, kind: 'object' | 'list'): string {
  const [open, close] = kind === 'object' ? ['{"a":', '}'] : ['[', ']'];
  const deep = open.repeat(depth) + '"x"' + close.repeat(depth);
  return (
    `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"proxmox_api_call",` +
    `"arguments":{"method":"PUT","path":"/nodes/pve1/qemu/100/config","data":{"description":${deep}}}}}`
  );
}

let sim: Simulator;
beforeAll(async () => {
  assertBuilt();
  sim = await startSimulator({ taskDurationMs: 50 });
  // The schema pre-flight would refuse a nested "description" too: without it, the flat check alone.
  sim.faults.add({ kind: 'status', status: 404, match: 'GET /pve-docs' });
});
afterAll(async () => sim?.close());

const writes = () => sim.requests.filter((q) => q.method !== 'GET').map((q) => `${q.method} ${q.path}`);

describe('deeply nested parameters through real transports (the built binary)', () => {
  it('stdio: each is refused as not flat, nothing is sent, and the server keeps answering', async () => {
    const child = startCli([], envFor(sim));
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const answers = new Map<number, string>();
    const answer = async (id: number) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        for (const line of out.split('\n')) {
          if (line.includes(`"id":${id}}`) || line.includes(`"id":${id},`)) answers.set(id, line);
        }
        if (answers.has(id)) return answers.get(id)!;
        if (Date.now() > deadline) throw new Error(`no answer to ${id}; stderr:\n${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    try {
      child.stdin.write(initializeBody + '\n');
      await answer(1);
      child.stdin.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
      let id = 10;
      for (const depth of DEPTHS)
        for (const kind of ['object', 'list'] as const) {
          child.stdin.write(deepCall(++id, depth, kind) + '\n');
          expect(await answer(id), `${kind} ${depth} deep`).toMatch(FLAT_REFUSAL);
        }
      child.stdin.write(
        '{"jsonrpc":"2.0","id":99,"method":"tools/call","params":{"name":"list_nodes","arguments":{}}}\n',
      );
      expect(await answer(99)).toMatch(/pve1/);
      expect(writes()).toEqual([]);
      expect(err).not.toMatch(/Maximum call stack|RangeError/);
    } finally {
      child.kill();
    }
  });

  it('Streamable HTTP: each is refused as not flat, nothing is sent, and the server keeps answering', async () => {
    let server: SpawnedServer | undefined;
    try {
      server = await spawnSse(['--port', '0'], { ...envFor(sim), MCP_AUTH_TOKEN: TOKEN });
      const init = await rawRequest(server.url, '/mcp', {
        method: 'POST',
        headers: auth,
        body: initializeBody,
      });
      const session = init.headers['mcp-session-id'];
      expect(typeof session, init.text).toBe('string');
      const headers = { ...auth, 'mcp-session-id': String(session), 'mcp-protocol-version': '2025-06-18' };
      await rawRequest(server.url, '/mcp', {
        method: 'POST',
        headers,
        body: '{"jsonrpc":"2.0","method":"notifications/initialized"}',
      });
      let id = 10;
      for (const depth of DEPTHS)
        for (const kind of ['object', 'list'] as const) {
          const r = await rawRequest(server.url, '/mcp', {
            method: 'POST',
            headers,
            body: deepCall(++id, depth, kind),
          });
          expect(r.status).toBe(200);
          expect(r.text, `${kind} ${depth} deep`).toMatch(FLAT_REFUSAL);
        }
      const after = await rawRequest(server.url, '/mcp', {
        method: 'POST',
        headers,
        body: '{"jsonrpc":"2.0","id":99,"method":"tools/call","params":{"name":"list_nodes","arguments":{}}}',
      });
      expect(after.text).toMatch(/pve1/);
      expect(writes()).toEqual([]);
      expect(server.stderr()).not.toMatch(/Maximum call stack|RangeError/);
    } finally {
      server?.child.kill('SIGTERM');
      await server?.exit;
    }
  });
});
