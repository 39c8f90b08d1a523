import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/server.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';
import { RawChannel } from './raw-channel.js';

// Requests whose shape the SDK rejects before any handler of ours runs. SDK 1.32 answers these with
// -32603 Internal error and a raw zod dump; a client's mistake must be -32602 naming the field.

let h: Harness;
let raw: RawChannel;

beforeAll(async () => {
  h = await startHarness();
  raw = await RawChannel.connect(
    createServer({
      registry: h.runtime.registry,
      logger: h.runtime.logger,
      redact: h.runtime.redactor.redact,
    }),
  );
});
afterAll(async () => {
  await raw?.close();
  await h?.close();
});

/** -32602 whose message names `field`, in words rather than a JSON dump of zod issues. */
async function expectInvalidParams(method: string, params: unknown, field: string): Promise<string> {
  const answer = await raw.request(method, params);
  expect(answer.error, JSON.stringify(answer).slice(0, 300)).toBeDefined();
  const message = String(answer.error?.message);
  expect(answer.error?.code, message).toBe(-32602);
  expect(message).toContain(field);
  expect(message).not.toMatch(/"code":\s*"|^\s*\[/);
  expect(message.length).toBeLessThan(1000);
  return message;
}

describe('malformed tools/call requests', () => {
  it.each([
    ['null', null],
    ['an array', [{ vmid: 100 }]],
    ['a string', 'vmid=100'],
    ['a number', 100],
    ['a boolean', true],
  ])(
    'arguments that is %s is -32602 saying arguments must be an object, and nothing is sent',
    async (_, args) => {
      const before = h.sims.demo!.requests.length;
      const message = await expectInvalidParams(
        'tools/call',
        { name: 'get_guest', arguments: args },
        'arguments',
      );
      expect(message).toMatch(/^Invalid params for tools\/call: params\.arguments: .*expected record/);
      expect(message).toContain('arguments is an object (or omitted)');
      expect(h.sims.demo!.requests.length).toBe(before);
    },
  );

  it('a name that is not a string is -32602 naming name', async () => {
    await expectInvalidParams('tools/call', { name: 5, arguments: {} }, 'params.name');
    await expectInvalidParams('tools/call', { name: [[['get_guest']]], arguments: {} }, 'params.name');
  });

  // params that are not an object, or a _meta the SDK rejects, fail the SDK's message check before
  // any handler: the SDK drops such a message unanswered, so the transport answers it
  // (stdio: test/fuzz/stdio-garbage.test.ts; HTTP: the SDK's own 400).
  it('missing params is -32602', async () => {
    await expectInvalidParams('tools/call', undefined, 'params');
  });

  it('a huge unknown tool name is answered as an unknown tool, quoted clipped', async () => {
    const answer = await raw.request('tools/call', { name: 'x'.repeat(1_000_000), arguments: {} });
    const text = JSON.stringify(answer.result);
    expect(text).toContain('Unknown tool');
    expect(text).toContain('(1000000 chars)');
    expect(text.length).toBeLessThan(2000);
  });

  it('an unknown argument with a huge name is refused quoting the name clipped', async () => {
    const answer = await raw.request('tools/call', {
      name: 'list_nodes',
      arguments: { ['k'.repeat(500_000)]: 1 },
    });
    const text = textOf(answer.result as CallToolResult);
    expect(text).toMatch(/^Invalid arguments for list_nodes: Unrecognized key: "k{100,}… \(\d+ chars\)/);
    expect(text.length).toBeLessThan(2000);
  });
});

describe('other requests with malformed params', () => {
  it('initialize without clientInfo is -32602 naming clientInfo', async () => {
    await expectInvalidParams(
      'initialize',
      { protocolVersion: '2025-06-18', capabilities: {} },
      'clientInfo',
    );
  });

  it('logging/setLevel with an unknown level is -32602 listing the levels', async () => {
    const message = await expectInvalidParams('logging/setLevel', { level: 'verbose' }, 'level');
    expect(message).toContain('debug, info, notice');
  });

  it('tools/list with a cursor that is not a string is -32602', async () => {
    await expectInvalidParams('tools/list', { cursor: 5 }, 'cursor');
  });

  it('a method named like an Object.prototype member is -32601, not a crash', async () => {
    for (const method of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const answer = await raw.request(method, {});
      expect(answer.error?.code, method).toBe(-32601);
    }
  });

  it('the server still answers a proper call afterwards', async () => {
    const answer = await raw.request('tools/call', { name: 'get_guest', arguments: { vmid: 100 } });
    expect(answer.result?.isError).toBeFalsy();
    expect(JSON.stringify(answer.result)).toContain('web01');
  });
});
