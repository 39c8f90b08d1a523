import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess, type InProcessServer } from './helpers.js';
import { head, rawClient, retainedHeapMiB } from './raw-socket.js';

const LIMIT = 64 * 1024;
let srv: InProcessServer;
beforeAll(async () => {
  srv = await startInProcess({ settings: { maxBodyBytes: LIMIT } });
});
afterAll(async () => srv?.close());

const mcpHead = (extra: string[]) =>
  head('POST', '/mcp', [
    'Content-Type: application/json',
    'Accept: application/json, text/event-stream',
    ...extra,
  ]);

/** Streams a chunked body until the server closes the connection; returns the bytes the client got out. */
async function sendEndlessChunkedBody() {
  const c = await rawClient(srv.url);
  await c.write(mcpHead(['Transfer-Encoding: chunked']));
  const chunk = Buffer.from(`${(16 * 1024).toString(16)}\r\n${'x'.repeat(16 * 1024)}\r\n`);
  let sent = 0;
  // 64 MiB is the give-up point: a server still reading by then is not bounding anything.
  while (!c.socket.destroyed && !c.socket.writableEnded && sent < 64 * 1024 * 1024) {
    const ok = await c.write(chunk).then(
      () => true,
      () => false,
    );
    if (!ok) break;
    sent += chunk.length;
  }
  await c.closed;
  return { sent, answer: c.received() };
}

describe('oversized request bodies', () => {
  it('a declared Content-Length over the limit is refused with 413 before any of the body is read', async () => {
    const c = await rawClient(srv.url);
    const started = Date.now();
    await c.write(mcpHead([`Content-Length: ${10 * 1024 ** 3}`]));
    await c.waitFor(/^HTTP\/1\.1 413 [^]*Payload Too Large: request bodies are limited to 64 KiB/);
    expect(Date.now() - started).toBeLessThan(1_000);
    await c.closed;
  });

  it('an endless chunked body gets 413 and the connection is closed: the server stops reading', async () => {
    const { sent, answer } = await sendEndlessChunkedBody();
    expect(answer).toMatch(/^HTTP\/1\.1 413 [^]*MCP_MAX_BODY_BYTES/);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    // The server reads a few times the limit at most; the rest is what loopback's kernel buffers took.
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  });

  it('twenty of them leave the heap where it was: nothing beyond the limit is ever buffered', async () => {
    await sendEndlessChunkedBody(); // warm-up: first-use allocations are not growth
    const before = retainedHeapMiB();
    let total = 0;
    for (let i = 0; i < 20; i++) total += (await sendEndlessChunkedBody()).sent;
    expect(total).toBeGreaterThan(20 * LIMIT);
    expect(retainedHeapMiB() - before).toBeLessThan(8);
  });
});
