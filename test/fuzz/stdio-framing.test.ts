import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { request, startStdioSession, type JsonRpcLine } from './stdio-session.js';

// How our stdio transport cuts and reads lines: every malformed line gets a JSON-RPC error on
// stdout (the SDK's transport drops them silently), a giant line costs bounded memory, and the
// session carries on. The bulk garbage run against the built binary is stdio-garbage.test.ts.

// Forced GC, so that buffer memory measured is memory still held.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

const byId = (lines: JsonRpcLine[], id: string | number) => lines.find((l) => l.id === id);
const nullIdErrors = (lines: JsonRpcLine[]) => lines.filter((l) => l.id === null && l.error);

describe('stdio line handling', () => {
  it('answers non-JSON with -32700 and a message that does not quote the line', async () => {
    const s = startStdioSession(h);
    s.write('token=secret-looking-garbage\n');
    const [answer] = await s.until((l) => l.length === 1);
    expect(answer).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32700,
        message: expect.stringMatching(/^Parse error: the line is not valid JSON/) as string,
      },
    });
    expect(answer!.error!.message).not.toContain('secret-looking');
    await s.end();
  });

  it('reassembles a request split across chunks, even inside a multi-byte character', async () => {
    const s = startStdioSession(h);
    const bytes = Buffer.from(
      request('split', 'tools/call', { name: 'list_nodes', arguments: { cluster: 'dé🦀' } }),
    );
    const cut = bytes.indexOf(Buffer.from('🦀')) + 2;
    for (const part of [bytes.subarray(0, 10), bytes.subarray(10, cut), bytes.subarray(cut)]) s.write(part);
    const lines = await s.until((l) => byId(l, 'split') !== undefined);
    // The cluster name came through intact, character for character.
    expect(JSON.stringify(byId(lines, 'split'))).toContain('Unknown cluster \\"dé🦀\\"');
    await s.end();
  });

  it('accepts CRLF line endings and a byte-order mark, and skips blank lines without answering', async () => {
    const s = startStdioSession(h);
    s.write('\n\r\n   \n\t\r\n');
    s.write(request('crlf', 'ping').replace('\n', '\r\n'));
    s.write('\uFEFF' + request('bom', 'ping'));
    const lines = await s.until((l) => byId(l, 'crlf') !== undefined && byId(l, 'bom') !== undefined);
    expect(lines).toHaveLength(2);
    expect(byId(lines, 'crlf')).toMatchObject({ result: {} });
    await s.end();
  });

  it('answers invalid UTF-8 with -32700', async () => {
    const s = startStdioSession(h);
    s.write(
      Buffer.concat([
        Buffer.from('{"jsonrpc":"2.0","id":1,"method":"p'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}\n'),
      ]),
    );
    const [answer] = await s.until((l) => l.length === 1);
    expect(answer!.error).toEqual({ code: -32700, message: 'Parse error: the line is not valid UTF-8' });
    await s.end();
  });

  it('answers a line over the limit once, skips the rest of it, and reads the next line normally', async () => {
    const limit = 64 * 1024;
    const s = startStdioSession(h, limit);
    s.write('{"jsonrpc":"2.0","id":"big","method":"ping","params":{"x":"');
    // 16 MB without a newline, in fresh 64 KB writes: 256 times the limit.
    gc();
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 256; i++) s.write(Buffer.alloc(64 * 1024, 'a'));
    const afterGiant = await s.until((l) => l.length === 1);
    expect(afterGiant[0]).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32600,
        message: `Invalid Request: line longer than ${limit} bytes; it was skipped up to its end`,
      },
    });
    // None of the giant line is held: what was written is garbage once the splitter has seen it.
    // (The answer comes after the first 64 KB; wait until the rest has passed through too.)
    await s.drained();
    gc();
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(4 * 1024 * 1024);
    s.write('"}}\n' + request('after', 'ping'));
    const lines = await s.until((l) => byId(l, 'after') !== undefined);
    expect(lines).toHaveLength(2);
    expect(byId(lines, 'big')).toBeUndefined();
    await s.end();
  });

  it('a line exactly at the limit is still read', async () => {
    const line = request('edge', 'ping', { pad: '' });
    const s = startStdioSession(h, Buffer.byteLength(line) - 1); // the newline is not part of the line
    s.write(line);
    const lines = await s.until((l) => l.length === 1);
    expect(byId(lines, 'edge')).toMatchObject({ result: {} });
    await s.end();
  });

  it('answers what it can and reports what it cannot (malformed notifications and responses)', async () => {
    const s = startStdioSession(h);
    s.write('{"jsonrpc":"2.0","method":"notifications/initialized","params":[1]}\n');
    s.write('{"jsonrpc":"2.0","id":41,"error":"not an error object"}\n');
    s.write('{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":{}}}\n');
    s.write(request('last', 'ping'));
    const lines = await s.until((l) => byId(l, 'last') !== undefined);
    expect(lines).toHaveLength(1);
    expect(nullIdErrors(lines)).toEqual([]);
    expect(s.problems.join('\n')).toMatch(/dropped a malformed notification "notifications\/initialized"/);
    expect(s.problems.join('\n')).toMatch(/dropped a malformed response/);
    expect(s.problems.join('\n')).toMatch(/notification handler/);
    await s.end();
  });

  it('never answers a reply, even one without "jsonrpc"; a request with extra keys is -32600', async () => {
    const s = startStdioSession(h);
    s.write('{"id":15,"result":{}}\n'); // an answer with the client's id could settle its own request 15
    s.write('{"jsonrpc":"2.0","id":14,"method":"ping","result":1}\n');
    s.write(request('last', 'ping'));
    const lines = await s.until((l) => byId(l, 'last') !== undefined);
    expect(byId(lines, 15)).toBeUndefined();
    expect(byId(lines, 14)).toMatchObject({
      error: { code: -32600, message: expect.stringMatching(/"result"/) },
    });
    expect(lines).toHaveLength(2);
    await s.end();
  });
});
