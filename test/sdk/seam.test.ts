import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { FlatSchemaValidator } from '../../src/safety/elicitation-validator.js';
import { CodedError } from '../../src/sdk/coded-error.js';
import { wrapEveryRequestHandler } from '../../src/sdk/request-handler-table.js';
import { RawChannel } from '../fuzz/raw-channel.js';

// Every reliance on a private part of the MCP SDK lives in src/sdk/, one file each; this test checks
// each of them against the installed SDK, so an upgrade that breaks one fails here, by name, rather
// than as a -32603 somewhere in the fuzz tests or a start-up crash of the bundle.

const require = createRequire(import.meta.url);
/** The installed SDK's root (the `exports` map sends `./package.json` into dist/cjs). */
const SDK_ROOT = require
  .resolve('@modelcontextprotocol/sdk/server/index.js')
  .replace(/[\\/]dist[\\/].*$/, '');
const sdkVersion = (JSON.parse(readFileSync(join(SDK_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;
const broken = (file: string, what: string) =>
  `MCP SDK ${sdkVersion} broke a reliance on its internals (src/sdk/${file}): ${what}`;

function server(): Server {
  return new Server(
    { name: 'seam', version: '0' },
    { capabilities: { tools: {} }, jsonSchemaValidator: new FlatSchemaValidator() },
  );
}

describe('src/sdk/request-handler-table.ts: Protocol._requestHandlers', () => {
  it('is a Map of method → handler that setRequestHandler fills', () => {
    const s = server();
    const table = (s as unknown as { _requestHandlers?: unknown })._requestHandlers;
    expect(table instanceof Map, broken('request-handler-table.ts', '_requestHandlers is not a Map')).toBe(
      true,
    );
    s.setRequestHandler(CallToolRequestSchema, () => ({ content: [] }));
    expect(
      (table as Map<string, unknown>).has('tools/call'),
      broken('request-handler-table.ts', 'setRequestHandler no longer stores into _requestHandlers'),
    ).toBe(true);
  });

  it('wraps handlers registered before and after, and the wrapper sees the SDK’s own parse failure as a ZodError', async () => {
    const s = server();
    const seen: Array<{ method: string; error: unknown }> = [];
    s.setRequestHandler(CallToolRequestSchema, () => ({ content: [] }));
    wrapEveryRequestHandler(s, (handler) => async (request, extra) => {
      try {
        return await handler(request, extra);
      } catch (error) {
        seen.push({ method: request.method, error });
        throw error;
      }
    });
    const raw = await RawChannel.connect(s);
    try {
      // Registered before wrapping: the SDK parses `arguments: null` against its schema and throws.
      await raw.request('tools/call', { name: 'x', arguments: null });
      expect(
        seen.map((e) => e.method),
        broken('request-handler-table.ts', 'wrapper not called'),
      ).toEqual(['tools/call']);
      expect(
        seen[0]?.error instanceof z.core.$ZodError,
        broken(
          'request-handler-table.ts',
          `a malformed request no longer reaches the handler wrapper as a zod error (got ${String(seen[0]?.error)}); src/invalid-params.ts relies on it`,
        ),
      ).toBe(true);
    } finally {
      await raw.close();
    }
  });
});

describe('src/sdk/coded-error.ts: a thrown error’s own code and message are the answer', () => {
  it('answers a handler’s CodedError with its code and its message unprefixed', async () => {
    const s = server();
    s.setRequestHandler(CallToolRequestSchema, () => {
      throw new CodedError(-32602, 'plain words');
    });
    const raw = await RawChannel.connect(s);
    try {
      const answer = await raw.request('tools/call', { name: 'x', arguments: {} });
      expect(answer.error, broken('coded-error.ts', 'the error answer changed')).toEqual({
        code: -32602,
        message: 'plain words',
      });
    } finally {
      await raw.close();
    }
  });
});

describe('src/sdk/no-ajv.ts: the bundle swaps the SDK’s Ajv provider by its module path', () => {
  // The filter tsup.config.ts matches against what the SDK's Server and Client import.
  const PROVIDER = /validation\/ajv-provider\.js$/;
  // The ESM build: what the bundler (format esm) takes.
  const esm = (sub: string) => readFileSync(join(SDK_ROOT, 'dist/esm', sub), 'utf8');

  it.each(['server/index.js', 'client/index.js'])(
    '%s imports AjvJsonSchemaValidator from a path the swap matches, and uses it only without a validator of ours',
    (entry) => {
      const source = esm(entry);
      const from = /import\s*\{\s*AjvJsonSchemaValidator\s*\}\s*from\s*'([^']+)'/.exec(source)?.[1];
      expect(
        from !== undefined && PROVIDER.test(from),
        broken(
          'no-ajv.ts',
          `${entry} no longer imports AjvJsonSchemaValidator from …/validation/ajv-provider.js (found ${from})`,
        ),
      ).toBe(true);
      expect(
        /jsonSchemaValidator\s*\?\?\s*new AjvJsonSchemaValidator\(/.test(source),
        broken('no-ajv.ts', `${entry} may construct Ajv even when given a jsonSchemaValidator`),
      ).toBe(true);
    },
  );

  it('the real provider still exports that name, and tsup.config.ts points the swap at src/sdk/no-ajv.ts', async () => {
    const provider = (await import('@modelcontextprotocol/sdk/validation/ajv')) as Record<string, unknown>;
    expect(
      typeof provider.AjvJsonSchemaValidator,
      broken('no-ajv.ts', 'no AjvJsonSchemaValidator export'),
    ).toBe('function');
    const config = readFileSync(resolve(import.meta.dirname, '../../tsup.config.ts'), 'utf8');
    expect(config).toContain(PROVIDER.source);
    expect(config).toContain('./src/sdk/no-ajv.ts');
  });
});
