// The cold-start baseline: a bare Node script doing the same stdin/stdout exchange as the server
// (answers initialize and tools/list, one JSON-RPC line each), hand-written, no SDK, no dependencies.
// What is left of the server's start-up above this is the cost of being an MCP server with its tools.
import { createInterface } from 'node:readline';

const tools = [{ name: 'echo', description: 'Echo', inputSchema: { type: 'object', properties: {} } }];
createInterface({ input: process.stdin }).on('line', (line) => {
  const msg = JSON.parse(line);
  if (msg.id === undefined) return;
  const result =
    msg.method === 'initialize'
      ? {
          protocolVersion: msg.params.protocolVersion,
          capabilities: { tools: {} },
          serverInfo: { name: 'bare', version: '1' },
        }
      : msg.method === 'tools/list'
        ? { tools }
        : {};
  process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result }) + '\n');
});
