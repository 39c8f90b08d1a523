import type { Rng } from './prng.js';

/**
 * One malformed (or oddly framed) stdin line and the answer JSON-RPC 2.0 calls for. `answer` is the
 * expected error code (or -1 for any result), with the line's own id when one can be read; `none`
 * means no answer is possible (notifications, responses, blank lines).
 */
export interface GarbageLine {
  what: string;
  bytes: Buffer;
  expect: { id: string | null; codes: number[] } | 'none';
}

const RESULT = -1;
const enc = (v: unknown) => JSON.stringify(v);
const line = (text: string | Buffer, what: string, expect: GarbageLine['expect']): GarbageLine => ({
  what,
  bytes: Buffer.isBuffer(text) ? Buffer.concat([text, Buffer.from('\n')]) : Buffer.from(text + '\n'),
  expect,
});
const nullId = (...codes: number[]) => ({ id: null, codes });

/** A valid request's JSON, for truncation and framing cases. */
const sample = (id: string) =>
  enc({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'list_nodes', arguments: {} } });

type Maker = (rng: Rng, id: string) => GarbageLine;

const MAKERS: Maker[] = [
  // Not JSON at all.
  (rng) =>
    line(
      rng.pick(['hello', '{', '}', "{'a':1}", 'NaN', 'undefined', 'Infinity', '{"a":1}}', '[1,]', '"\\ud8']),
      'not JSON',
      nullId(-32700),
    ),
  (rng) => line('@' + printable(rng, rng.int(1, 200)), 'random text', nullId(-32700)),
  (rng, id) => {
    const text = sample(id);
    return line(text.slice(0, rng.int(1, text.length - 1)), 'truncated JSON', nullId(-32700));
  },
  (rng) =>
    line(
      Buffer.concat([Buffer.from([0xff]), randomBytes(rng, rng.int(1, 300))]),
      'binary bytes',
      nullId(-32700),
    ),
  // JSON, but not a message.
  (rng) => line(rng.pick(['1', '-0', '1e999', '"ping"', 'true', 'null']), 'JSON scalar', nullId(-32600)),
  (rng, id) => line(rng.pick(['[]', `[${sample(id)}]`]), 'batch', nullId(-32600)),
  // Messages with a broken envelope.
  (rng, id) =>
    line(enc({ jsonrpc: rng.pick(['1.0', 2, null, '2.0 ']), id, method: 'ping' }), 'wrong jsonrpc', {
      id,
      codes: [-32600],
    }),
  (_, id) => line(enc({ id, method: 'ping' }), 'no jsonrpc', { id, codes: [-32600] }),
  (_, id) => line(enc({ jsonrpc: '2.0', id, params: {} }), 'missing method', { id, codes: [-32600] }),
  (rng, id) =>
    line(enc({ jsonrpc: '2.0', id, method: rng.pick([5, null, [], {}]) }), 'method not a string', {
      id,
      codes: [-32600],
    }),
  (rng, id) =>
    line(
      enc({
        jsonrpc: '2.0',
        id,
        method: rng.pick(['no/such', '', 'constructor', '__proto__', 'tools/CALL', '\ud800']),
      }),
      'unknown method',
      {
        id,
        codes: [-32601],
      },
    ),
  (rng) =>
    line(
      `{"jsonrpc":"2.0","id":${rng.pick(['null', '{}', '[]', 'true', '1.5', '1e300', '1152921504606846976'])},"method":"ping"}`,
      'weird id',
      nullId(-32600),
    ),
  // Requests with malformed params.
  (rng, id) =>
    line(
      enc({ jsonrpc: '2.0', id, method: 'tools/call', params: rng.pick([[1], 'x', 7, null]) }),
      'params not an object',
      { id, codes: [-32602] },
    ),
  (rng, id) =>
    line(
      enc({
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: { name: 'list_nodes', _meta: rng.pick([5, { progressToken: {} }, []]) },
      }),
      'bad _meta',
      { id, codes: [-32602] },
    ),
  (rng, id) =>
    line(
      enc({
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: { name: 'get_guest', arguments: rng.pick([null, [], 'vmid=100']) },
      }),
      'arguments not an object',
      {
        id,
        codes: [-32602],
      },
    ),
  (rng, id) =>
    line(
      enc({
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: { name: 'get_guest', arguments: { vmid: rng.pick(['-1', -100, '../100', '%2F', 1e308]) } },
      }),
      'bad vmid',
      {
        id,
        codes: [RESULT],
      },
    ),
  (_, id) =>
    line(
      enc({ jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: 5 } }),
      'bad initialize',
      { id, codes: [-32602] },
    ),
  // Cannot be answered: notifications (valid or not) and responses.
  (rng) =>
    line(
      enc({
        jsonrpc: '2.0',
        method: rng.pick(['notifications/initialized', 'notifications/cancelled']),
        params: rng.pick([[1], 'x', { requestId: {} }]),
      }),
      'malformed notification',
      'none',
    ),
  (_) => line(enc({ jsonrpc: '2.0', method: 'notifications/no-such-thing' }), 'unknown notification', 'none'),
  (_, id) => line(enc({ jsonrpc: '2.0', id, error: 'not an object' }), 'malformed response', 'none'),
  (rng) => line(rng.pick(['', ' ', '\t', '\r']), 'blank line', 'none'),
  // Framing: CRLF, a byte-order mark, deep nesting; all still answered.
  (_, id) => line(enc({ jsonrpc: '2.0', id, method: 'ping' }) + '\r', 'CRLF ping', { id, codes: [RESULT] }),
  (_, id) =>
    line('\uFEFF' + enc({ jsonrpc: '2.0', id, method: 'ping' }), 'BOM ping', { id, codes: [RESULT] }),
  (_) => line('@\r', 'CRLF garbage', nullId(-32700)),
  (rng, id) => {
    const depth = rng.int(1_000, 100_000);
    return line(
      `{"jsonrpc":"2.0","id":"${id}","method":"ping","params":{"deep":${'['.repeat(depth)}${']'.repeat(depth)}}}`,
      'deep nesting',
      {
        id,
        codes: [RESULT],
      },
    );
  },
];

function printable(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(rng.int(0x20, 0x7e));
  return s;
}

function randomBytes(rng: Rng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    const byte = rng.int(0, 255);
    b[i] = byte === 0x0a ? 0x00 : byte; // a newline would split the line
  }
  return b;
}

export function garbageLine(rng: Rng, id: string): GarbageLine {
  return rng.pick(MAKERS)(rng, id);
}

export { RESULT };
