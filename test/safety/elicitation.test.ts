import {
  ElicitRequestSchema,
  type ElicitRequest,
  type ElicitResult,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { elicitationConfirm } from '../../src/safety/confirm.js';
import { resolvePolicy } from '../../src/safety/policy.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

type Answer = (req: ElicitRequest) => ElicitResult | Promise<ElicitResult>;

/** A client that declared elicitation and answers every question with `answer`, recording them. */
async function withElicitation(answer: Answer, opts: { confirmTimeoutMs?: number } = {}) {
  const asked: ElicitRequest['params'][] = [];
  const h = await startHarness({
    clientCapabilities: { capabilities: { elicitation: {} } },
    confirmTimeoutMs: opts.confirmTimeoutMs,
  });
  h.client.setRequestHandler(ElicitRequestSchema, async (req) => {
    asked.push(req.params);
    return answer(req);
  });
  return { h, asked };
}

const posts = (h: Harness) =>
  h.sims.demo!.requests.filter((q) => q.method !== 'GET').map((q) => `${q.method} ${q.path}`);

describe('confirmation through MCP elicitation', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('asks before a stop, naming cluster, method, path and parameters, and sends it when confirmed', async () => {
    const t = await withElicitation(() => ({ action: 'accept', content: { confirm: true } }));
    h = t.h;
    const r = await h.call('guest_action', { vmid: 105, action: 'stop' });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(t.asked).toHaveLength(1);
    const q = t.asked[0]!;
    expect(q.message).toContain('cluster:    demo');
    expect(q.message).toContain('request:    POST /nodes/pve3/qemu/105/status/stop');
    expect(q.message).toContain('parameters: none');
    expect(q.message).toContain('(tool guest_action)');
    expect(q.message).toContain('"POST /nodes/*/qemu/*/status/stop" (built-in default confirm list)');
    expect('requestedSchema' in q && q.requestedSchema).toMatchObject({
      properties: { confirm: { type: 'boolean', default: false } },
      required: ['confirm'],
    });
    expect(posts(h)).toEqual(['POST /api2/json/nodes/pve3/qemu/105/status/stop']);
  });

  it('declined, cancelled or left unticked: nothing is sent and the result says so', async () => {
    const answers: ElicitResult[] = [
      { action: 'decline' },
      { action: 'cancel' },
      { action: 'accept', content: { confirm: false } },
    ];
    const t = await withElicitation(() => answers.shift()!);
    h = t.h;
    const texts: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await h.call('guest_action', { vmid: 100, action: 'stop' });
      expect(r.isError).toBe(true);
      texts.push(textOf(r));
    }
    expect(texts[0]).toMatch(
      /^Not sent: POST \/nodes\/pve1\/qemu\/100\/status\/stop on cluster "demo" needs the user's confirmation \(rule "POST \/nodes\/\*\/qemu\/\*\/status\/stop", built-in default confirm list\) and the user declined\. Nothing was sent to Proxmox\./,
    );
    expect(texts[1]).toMatch(/and the user cancelled the confirmation\./);
    expect(texts[2]).toMatch(/and the user did not tick "confirm"\./);
    expect(posts(h)).toEqual([]);
  });

  it('no answer in time means nothing is sent', async () => {
    const t = await withElicitation(() => new Promise<ElicitResult>(() => {}), { confirmTimeoutMs: 300 });
    h = t.h;
    const started = Date.now();
    const r = await h.call('proxmox_api_call', { method: 'DELETE', path: '/nodes/pve2/qemu/102' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(
      /rule "DELETE \/\*\*", built-in default confirm list\) and no answer came within 300 ms/,
    );
    expect(posts(h)).toEqual([]);
  });

  it('shows the parameters of raw requests, and asks nothing for requests no rule names', async () => {
    const t = await withElicitation(() => ({ action: 'decline' }));
    h = t.h;
    const del = await h.call('proxmox_api_call', {
      method: 'DELETE',
      path: '/nodes/pve1/qemu/100/snapshot/pre-upgrade',
      data: { force: 1 },
    });
    expect(textOf(del)).toMatch(/rule "DELETE \/\*\*".* and the user declined/);
    expect(t.asked[0]!.message).toContain('request:    DELETE /nodes/pve1/qemu/100/snapshot/pre-upgrade');
    expect(t.asked[0]!.message).toContain('parameters: {"force":1}');
    expect(t.asked[0]!.message).toContain('(tool proxmox_api_call)');
    const start = await h.call('guest_action', { vmid: 102, action: 'start' });
    expect(start.isError, textOf(start)).toBeFalsy();
    expect(t.asked).toHaveLength(1);
    expect(posts(h)).toEqual(['POST /api2/json/nodes/pve2/qemu/102/status/start']);
  });

  it('masks secret-looking parameters in the question', async () => {
    let message = '';
    const fakeServer = {
      getClientCapabilities: () => ({ elicitation: { form: {} } }),
      elicitInput: (params: { message: string }) => {
        message = params.message;
        return Promise.resolve({ action: 'decline' as const });
      },
    } as unknown as Server;
    const confirm = elicitationConfirm(fakeServer, { signal: new AbortController().signal })!;
    const answer = await confirm({
      cluster: 'prod',
      method: 'PUT',
      path: '/access/password',
      params: { userid: 'a@pve', password: 'hunter2-secret' },
      rule: 'PUT /access/**',
      ruleSource: 'policy.confirm[0] in f',
    });
    expect(answer).toEqual({ confirmed: false, reason: 'the user declined' });
    expect(message).toContain('parameters: {"userid":"a@pve","password":"***"}');
    expect(message).not.toContain('hunter2');
    // A client without elicitation gets no confirm function at all: the request proceeds.
    const plain = { getClientCapabilities: () => ({}) } as unknown as Server;
    expect(elicitationConfirm(plain, { signal: new AbortController().signal })).toBeUndefined();
  });

  it('follows a configured confirm list instead of the default', async () => {
    const asked: string[] = [];
    h = await startHarness({
      clusters: [
        {
          name: 'demo',
          config: {
            policy: resolvePolicy(undefined, { confirm: ['POST /nodes/*/*/*/status/start'] }, 'demo', 'f'),
          },
        },
      ],
      clientCapabilities: { capabilities: { elicitation: {} } },
    });
    h.client.setRequestHandler(ElicitRequestSchema, (req) => {
      asked.push(req.params.message);
      return { action: 'decline' };
    });
    expect((await h.call('guest_action', { vmid: 102, action: 'start' })).isError).toBe(true);
    expect((await h.call('guest_action', { vmid: 105, action: 'stop' })).isError).toBeFalsy();
    expect(asked).toHaveLength(1);
    expect(posts(h)).toEqual(['POST /api2/json/nodes/pve3/qemu/105/status/stop']);
  });

  it('clients without elicitation are not asked: the request proceeds (their annotations make them ask)', async () => {
    h = await startHarness();
    const r = await h.call('guest_action', { vmid: 100, action: 'stop' });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(posts(h)).toEqual(['POST /api2/json/nodes/pve1/qemu/100/status/stop']);
    expect(h.logs.join('')).toMatch(/harness does not support MCP elicitation/);
  });
});
