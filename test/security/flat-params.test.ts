import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProxmoxRefusedError } from '../../src/proxmox/errors.js';
import type { AuditRecord } from '../../src/safety/audit.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';
import { request, startStdioSession } from '../fuzz/stdio-session.js';

/**
 * Issue 12, observation 2: parameters nested a few thousand levels deep overflowed the recursive
 * redaction inside the audit observer; the request was sent and executed, and its audit line was lost.
 * Now parameters must be what PVE takes (flat values) and are checked, without recursion, before
 * guards, the audit or the encoder see them; answers nested absurdly deep are refused at the client.
 */
const nested = (depth: number, leaf: unknown = 'x'): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
};
const nestedList = (depth: number): unknown => {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

const auditFile = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'pmcp-flat-')), 'audit.log');
const records = (file: string): AuditRecord[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditRecord);
const writes = (h: Harness) => h.sims.demo!.requests.filter((q) => q.method !== 'GET');

describe('parameters PVE cannot take are refused before anything is sent', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('proxmox_api_call with data nested 5,000 levels: a clear error naming the parameter, nothing sent', async () => {
    const file = auditFile();
    h = await startHarness({ auditLog: file });
    for (const value of [nested(5000), nestedList(5000)]) {
      const r = await h.call('proxmox_api_call', {
        method: 'PUT',
        path: '/nodes/pve1/qemu/100/config',
        data: { description: value },
      });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(
        /description.*PVE takes flat values \(a string, number or boolean, or a list of those\); write structured settings as a property string/,
      );
    }
    expect(writes(h)).toEqual([]);
    // The server keeps running and answering.
    const ok = await h.call('proxmox_api_call', {
      method: 'PUT',
      path: '/nodes/pve1/qemu/100/config',
      data: { description: 'still here' },
    });
    expect(ok.isError, textOf(ok)).toBeFalsy();
    expect(writes(h)).toHaveLength(1);
    expect(records(file).map((r) => `${r.phase} ${r.outcome ?? '-'}`)).toEqual(['sent -', 'result ok']);
  });

  it('observation 2 as reported: schema unavailable, data nested a few thousand levels: not sent, with a clear error', async () => {
    const file = auditFile();
    h = await startHarness({ auditLog: file });
    h.sims.demo!.setGarbage('/pve-docs');
    for (const depth of [1500, 3000, 5000]) {
      const r = await h.call('proxmox_api_call', {
        method: 'POST',
        path: '/nodes/pve1/qemu/100/status/start',
        data: { timeout: nested(depth) },
      });
      expect(r.isError, `depth ${depth}`).toBe(true);
      expect(textOf(r)).toMatch(/parameter "timeout" .*PVE takes flat values/);
    }
    expect(writes(h)).toEqual([]);
    expect(h.logs.join('')).not.toMatch(/request observer failed/);
  });

  it('over stdio, a raw line with arguments nested 5,000 levels: an error answer, nothing sent, the session goes on', async () => {
    h = await startHarness();
    const session = startStdioSession(h);
    session.write(
      request('init', 'initialize', {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'deep', version: '1' },
      }),
    );
    session.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
    // Built as text: JSON.stringify itself overflows on such a value.
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    session.write(
      `{"jsonrpc":"2.0","id":"deep","method":"tools/call","params":{"name":"proxmox_api_call","arguments":{"method":"POST","path":"/nodes/pve1/qemu/100/status/start","data":{"timeout":${deep}}}}}\n`,
    );
    session.write(request('after', 'tools/call', { name: 'list_nodes', arguments: {} }));
    const lines = await session.until((l) => l.some((x) => x.id === 'after'));
    const answer = lines.find((x) => x.id === 'deep')!;
    expect(JSON.stringify(answer.result)).toMatch(
      /parameter \\"timeout\\" is an object: PVE takes flat values/,
    );
    expect((lines.find((x) => x.id === 'after')!.result as { isError?: boolean }).isError).toBeFalsy();
    expect(writes(h)).toEqual([]);
    await session.end();
  });

  it('the client itself refuses nested parameters from any caller, and audits the refusal once', async () => {
    const file = auditFile();
    h = await startHarness({ auditLog: file });
    const client = h.runtime.registry.get('demo').client;
    for (const [params, shown] of [
      [{ description: nested(5000) }, /parameter "description" is an object/],
      [
        { net0: { model: 'virtio', bridge: 'vmbr0' } },
        /parameter "net0" is an object.*"virtio,bridge=vmbr0"/,
      ],
      [{ tags: ['a', ['b']] }, /parameter "tags" is a list holding a nested list at position 1/],
      [{ deep: nestedList(100_000) }, /parameter "deep" is a list holding a nested list at position 0/],
    ] as const) {
      const err = await client
        .request('PUT', '/nodes/pve1/qemu/100/config', params as Record<string, unknown>)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProxmoxRefusedError);
      expect((err as Error).message).toMatch(shown);
      expect((err as Error).message).toMatch(/nothing was sent/);
    }
    expect(writes(h)).toEqual([]);
    const lines = records(file);
    expect(lines.map((r) => `${r.phase} ${r.outcome}`)).toEqual(Array(4).fill('result refused'));
    expect(lines[0]!.params).toEqual({ description: '[not flat: object]' });
    expect(lines[3]!.params).toEqual({ deep: '[not flat: nested list]' });
  });

  it('lists of scalars (repeated keys in PVE) and one-level objects the schema turns into property strings still work', async () => {
    h = await startHarness();
    const r = await h.call('proxmox_api_call', {
      method: 'PUT',
      path: '/nodes/pve1/qemu/100/config',
      data: { description: 'ok', delete: ['tags'] },
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    const sent = writes(h).at(-1)!;
    expect(sent.body).toMatch(/delete=tags/);
  });
});

describe('answers nested deeper than any PVE answer are refused, not walked', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a 2xx answer nested 100,000 levels deep: a clear error, and the server keeps answering', async () => {
    h = await startHarness();
    const sim = h.sims.demo!;
    const deep = `{"data":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const deepObject = `{"data":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
    for (const body of [deep, deepObject]) {
      for (const call of [
        { name: 'proxmox_api_call', args: { path: '/nodes' }, match: 'GET /nodes' },
        { name: 'list_nodes', args: {}, match: 'GET /nodes' },
        { name: 'get_cluster_resources', args: {}, match: 'GET /cluster/resources' },
      ]) {
        const fault = sim.faults.add({ kind: 'status', status: 200, reason: 'OK', body, match: call.match });
        const r = await h.call(call.name, call.args);
        fault.remove();
        expect(
          r.isError,
          `${call.name}: ${JSON.stringify(sim.requests.slice(-3).map((q) => [q.method, q.path, q.fault]))}`,
        ).toBe(true);
        expect(textOf(r)).toMatch(/the answer nests deeper than 64 levels/);
      }
    }
    const ok = await h.call('list_nodes');
    expect(ok.isError, textOf(ok)).toBeFalsy();
  });

  it('an API schema (apidoc.js) nested 100,000 levels deep: the call goes on without the schema', async () => {
    h = await startHarness();
    const depth = 100_000;
    const deepTree = `const apiSchema = ${'[{"path":"/a","text":"a","children":'.repeat(depth)}[]${'}]'.repeat(depth)};`;
    h.sims.demo!.faults.add({
      kind: 'status',
      status: 200,
      reason: 'OK',
      body: deepTree,
      match: 'GET /pve-docs',
    });
    const r = await h.call('proxmox_api_call', { path: '/nodes' });
    expect(r.isError, textOf(r)).toBeFalsy();
    const d = await h.call('proxmox_api_describe', { path: '/nodes' });
    expect(textOf(d)).not.toMatch(/Maximum call stack|Internal error/);
    expect(textOf(d)).toMatch(/apiSchema nests deeper than 256 levels/);
    expect((await h.call('list_nodes')).isError).toBeFalsy();
  });

  it('an error answer with deep "errors" and "message": no crash, an error result', async () => {
    h = await startHarness();
    const list = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    h.sims.demo!.faults.add({
      kind: 'status',
      status: 400,
      reason: 'Parameter verification failed.',
      body: `{"data":null,"errors":{"vmid":${list}},"message":${list}}`,
      match: 'GET /nodes/pve1/qemu',
    });
    const r = await h.call('proxmox_api_call', { path: '/nodes/pve1/qemu' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/Parameter verification failed/);
    expect((await h.call('list_nodes')).isError).toBeFalsy();
  });
});
