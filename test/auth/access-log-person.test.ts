import { afterAll, beforeAll, expect, it } from 'vitest';
import type { InProcessServer } from '../http/helpers.js';
import { registerSecret } from '../helpers/recording.js';
import { startLocalIssuer, type LocalIssuer } from './local-issuer.js';
import { bearer, startOAuthServer, streamable } from './oauth-server.js';

/**
 * The HTTP access log names the person an OAuth token established, so requests that run no tool
 * (initialize, tools/list, a refused session) are attributable too, not only the audit lines.
 */

let issuer: LocalIssuer;
let srv: InProcessServer;

beforeAll(async () => {
  issuer = await startLocalIssuer();
  srv = await startOAuthServer(issuer);
});
afterAll(async () => {
  await srv?.close();
  await issuer?.close();
});

it('every /mcp request line of a signed-in person carries person {sub, name}; the token never', async () => {
  const token = await issuer.sign({
    aud: `${srv.url}/mcp`,
    sub: 'u-erin',
    email: 'erin@example.com',
    groups: ['pve-admins'],
  });
  registerSecret(token);
  const { client, transport } = streamable(srv.url, bearer(token));
  await client.connect(transport);
  await client.listTools();
  await client.close();
  // The access log is written when each response closes.
  await new Promise((r) => setTimeout(r, 100));
  const lines = srv.logs.filter((l) => /POST \/mcp 20\d/.test(l));
  expect(lines.length).toBeGreaterThanOrEqual(2);
  for (const l of lines) {
    expect(l).toContain('u-erin');
    expect(l).toContain('erin@example.com');
  }
  expect(srv.logs.join('\n')).not.toContain(token.split('.')[2]!);
});
