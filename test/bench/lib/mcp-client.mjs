import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { BIN } from './stdio-session.mjs';
import { cleanEnv } from './env.mjs';

/**
 * The built server driven as a real client drives it: the SDK's Client over StdioClientTransport
 * (which adds its own default variables, HOME, PATH, USER…, to the env given, as clients do).
 */
export async function connectClient({ cwd, env = cleanEnv() }) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN],
    cwd,
    env,
    stderr: 'ignore',
  });
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(transport);
  return {
    client,
    pid: transport.pid,
    async call(name, args) {
      const r = await client.callTool({ name, arguments: args });
      if (r.isError) throw new Error(`${name} failed: ${JSON.stringify(r.content).slice(0, 300)}`);
      return r;
    },
    close: () => client.close(),
  };
}
