import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

interface Row {
  name: string;
  state: string;
  reachable: boolean;
  http_status?: number;
  error?: string;
}

/** A port nothing listens on: connect is refused at once. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('list_clusters tells "unreachable" from "answered with an error"', () => {
  let h: Harness;
  beforeAll(async () => {
    const port = await closedPort();
    h = await startHarness({
      clusters: [
        { name: 'ok' },
        { name: 'answers', config: { timeoutMs: 2000 } },
        { name: 'down', config: { origin: `https://127.0.0.1:${port}`, host: '127.0.0.1', port } },
      ],
    });
  });
  afterEach(() => h.sims.answers!.faults.clear());
  afterAll(async () => h?.close());

  async function probe(): Promise<{ rows: Record<string, Row>; text: string }> {
    const r = await h.call('list_clusters');
    expect(r.isError).toBeFalsy();
    const rows = (r.structuredContent as { clusters: Row[] }).clusters;
    return { rows: Object.fromEntries(rows.map((x) => [x.name, x])), text: textOf(r) };
  }

  it('a refused connection is unreachable, with the network advice', async () => {
    const { rows, text } = await probe();
    expect(rows.ok).toMatchObject({ state: 'ok', reachable: true });
    expect(rows.down).toMatchObject({ state: 'unreachable', reachable: false });
    expect(rows.down!.error).toMatch(/refused/);
    expect(text).toMatch(/down\s+127\.0\.0\.1:\d+\s+-\s+read-write\s+unreachable/);
  });

  for (const [status, advice] of [
    [401, /Authentication failed \(401/],
    [403, /needs no privilege: something in front of PVE/],
    [500, /500 Internal Server Error/],
  ] as const) {
    it(`a ${status} means the host answered: "answered HTTP ${status}", not unreachable`, async () => {
      h.sims.answers!.faults.add({ kind: 'status', status, match: 'GET /version' });
      const { rows, text } = await probe();
      expect(rows.answers).toMatchObject({ state: 'error', reachable: true, http_status: status });
      expect(rows.answers!.error).toMatch(advice);
      expect(text).toMatch(
        new RegExp(`answers\\s+127\\.0\\.0\\.1:\\d+\\s+-\\s+read-write\\s+answered HTTP ${status}`),
      );
    });
  }

  it('an HTML page is an answer too, with advice about the URL', async () => {
    h.sims.answers!.faults.add({ kind: 'html', match: 'GET /version' });
    const { rows } = await probe();
    expect(rows.answers).toMatchObject({ state: 'error', reachable: true });
    expect(rows.answers!.error).toMatch(/HTML page/);
  });

  it('a 501 for its own probe path is not "check the path" advice', async () => {
    h.sims.answers!.faults.add({ kind: 'status', status: 501, match: 'GET /version' });
    const { rows } = await probe();
    expect(rows.answers!.error).toMatch(/this URL does not lead to a PVE API/);
    expect(rows.answers!.error).not.toMatch(/proxmox_api_describe|Check the path/);
  });
});
