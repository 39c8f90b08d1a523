import { afterAll, beforeAll, expect, it } from 'vitest';
import { sseClient, startInProcess, waitFor, type InProcessServer } from './helpers.js';

// Issue 13, defect 10: the access line of an SSE stream is written when the stream closes, after the
// socket is gone, and showed remote=undefined.

let srv: InProcessServer;
beforeAll(async () => {
  srv = await startInProcess();
});
afterAll(async () => srv?.close());

it('the access log names the client address for SSE streams too', async () => {
  const { client, transport } = sseClient(`${srv.url}/sse`);
  await client.connect(transport);
  await client.listTools();
  await client.close();
  await waitFor(() => /GET \/sse 200 /.test(srv.logs.join('')), 5_000, 'the GET /sse access line');
  const lines = srv.logs.join('').split('\n');
  const sse = lines.find((l) => l.includes('GET /sse 200'));
  expect(sse).toMatch(/remote=(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)/);
  expect(lines.filter((l) => l.includes('remote=undefined'))).toEqual([]);
});
