import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../helpers/cli.js';
import { spawnSse, streamableClient, sseClient, type SpawnedServer } from './helpers.js';

/** `proxmox-mcp demo --http`: try HTTP clients (Gemini CLI httpUrl, Claude Code --transport http) with no Proxmox. */
describe('demo --http', () => {
  let server: SpawnedServer;
  beforeAll(async () => {
    assertBuilt();
    server = await spawnSse(['--http', '--port', '0'], {}, ['demo']);
  });
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    if (server) expect(await server.exit).toBe(0);
  });

  it('serves the simulated clusters over Streamable HTTP and legacy SSE on loopback', async () => {
    for (const { client, transport } of [streamableClient(server.url, {}), sseClient(server.url, {})]) {
      await client.connect(transport);
      const r = await client.callTool({ name: 'list_clusters', arguments: {} });
      const rows = (r.structuredContent as { clusters: Array<{ name: string; reachable: boolean }> })
        .clusters;
      expect(rows.map((c) => [c.name, c.reachable])).toEqual([
        ['demo', true],
        ['lab', true],
      ]);
      await client.close();
    }
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('keeps the sse safety rules: no non-loopback bind without a token', async () => {
    const refused = await spawnSse(['--http', '--host', '0.0.0.0', '--port', '0'], {}, ['demo']).catch(
      (err: Error) => err,
    );
    expect(refused).toBeInstanceOf(Error);
    expect(String(refused)).toMatch(/MCP_AUTH_TOKEN/);
  });
});
