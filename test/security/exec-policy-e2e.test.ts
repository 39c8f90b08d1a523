import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ElicitRequestSchema,
  type ElicitRequest,
  type ElicitResult,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterConfig } from '../../src/config/types.js';
import { resolvePolicy, type PolicyEntry } from '../../src/safety/policy.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/**
 * The command policy (policy.exec) through a real MCP client against the simulator: what counts is
 * what reached the simulator's agent endpoints (its request log), for guest_exec and for a raw
 * proxmox_api_call to the same endpoint, with the cluster's API schema available and not.
 */
const FILE = '/etc/pmcp/clusters.json';

type Answer = ElicitResult['action'];

async function harness(
  opts: {
    policy?: PolicyEntry;
    answer?: Answer;
    readOnly?: boolean;
    schemaUnavailable?: boolean;
    auditLog?: string;
  } = {},
) {
  const asked: ElicitRequest['params'][] = [];
  const config: Partial<ClusterConfig> = {
    ...(opts.policy ? { policy: resolvePolicy(undefined, opts.policy, 'demo', FILE) } : {}),
    ...(opts.readOnly
      ? { readOnly: true, readOnlySource: `read_only: true for cluster "demo" in ${FILE}` }
      : {}),
  };
  const h = await startHarness({
    clusters: [{ name: 'demo', config }],
    clientCapabilities: { capabilities: { elicitation: {} } },
    ...(opts.auditLog ? { auditLog: opts.auditLog } : {}),
  });
  h.client.setRequestHandler(ElicitRequestSchema, async (req) => {
    asked.push(req.params);
    return opts.answer === 'accept'
      ? { action: 'accept', content: { confirm: true } }
      : { action: 'decline' };
  });
  if (opts.schemaUnavailable)
    h.sims.demo!.faults.add({ kind: 'status', status: 404, match: 'GET /pve-docs' });
  return { h, asked };
}

/** The agent writes that reached the simulator, as "POST <what>". */
const agentPosts = (h: Harness) =>
  h.sims
    .demo!.requests.filter((q) => q.method === 'POST' && /\/agent\//.test(q.path))
    .map((q) => q.path.replace(/^.*\/agent\//, ''));

const raw = (command: unknown, extra: Record<string, unknown> = {}) => ({
  method: 'POST',
  path: '/nodes/pve1/qemu/100/agent/exec',
  data: { command, ...extra },
});

describe('guest commands without exec rules (the default)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('asks before every command, and a declined one never reaches the guest', async () => {
    const t = await harness({ answer: 'decline' });
    h = t.h;
    const r = await h.call('guest_exec', { vmid: 100, command: ['df', '-h'] });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/needs the user's confirmation .*every guest command.*the user declined/s);
    expect(t.asked).toHaveLength(1);
    expect(t.asked[0]!.message).toContain('"command":["df","-h"]');
    const viaRaw = await h.call('proxmox_api_call', raw(['df', '-h']));
    expect(viaRaw.isError).toBe(true);
    expect(t.asked).toHaveLength(2);
    expect(agentPosts(h)).toEqual([]);
  });

  it('runs the command once the user confirms', async () => {
    const t = await harness({ answer: 'accept' });
    h = t.h;
    const r = await h.call('guest_exec', { vmid: 100, command: 'df -h' });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(textOf(r)).toContain('/dev/sda1        31G   24G  5.6G  81% /');
    expect(agentPosts(h)).toEqual(['exec']);
  });

  it('asks before every file write; declined, nothing is written', async () => {
    const t = await harness({ answer: 'decline' });
    h = t.h;
    const r = await h.call('guest_file_write', { vmid: 100, path: '/etc/motd', content: 'hi' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/rule "POST \/nodes\/\*\/qemu\/\*\/agent\/file-write".*declined/s);
    const viaRaw = await h.call('proxmox_api_call', {
      method: 'POST',
      path: '/nodes/pve1/qemu/100/agent/file-write',
      data: { file: '/etc/motd', content: 'hi' },
    });
    expect(viaRaw.isError).toBe(true);
    expect(t.asked).toHaveLength(2);
    expect(agentPosts(h)).toEqual([]);
  });

  it('refuses shells, interpreters and operators without asking, however the command is written', async () => {
    const t = await harness({ answer: 'accept' });
    h = t.h;
    for (const command of [
      ['sh', '-c', 'df -h'],
      ['/bin/bash', '-c', 'id'],
      ['python3', '-c', 'print(1)'],
      ['perl', '-e', 'print 1'],
      ['env', 'df'],
      ['df', '-h', ';', 'reboot'],
      ['echo', '`id`'],
      ['echo', '$(id)'],
      ['cat', '/etc/passwd', '|', 'grep', 'root'],
      ['true', '&&', 'reboot'],
      ['false', '||', 'reboot'],
      'sh -c "rm -rf /tmp/x"',
      ['find', '/', '-exec', 'rm', '{}', ';'],
    ]) {
      const r = await h.call('guest_exec', { vmid: 100, command });
      expect(r.isError, JSON.stringify(command)).toBe(true);
      expect(textOf(r)).toMatch(/is refused: .*(runs other code|shell operator)/);
      const viaRaw = await h.call(
        'proxmox_api_call',
        raw(typeof command === 'string' ? command.split(' ') : command),
      );
      expect(viaRaw.isError, JSON.stringify(command)).toBe(true);
    }
    expect(t.asked).toEqual([]);
    expect(agentPosts(h)).toEqual([]);
  });

  it('records the command in the audit log with input-data masked', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pmcp-exec-audit-'));
    const auditLog = path.join(dir, 'audit.jsonl');
    const t = await harness({ answer: 'accept', auditLog });
    h = t.h;
    const r = await h.call('guest_exec', {
      vmid: 100,
      command: ['cat'],
      input: 'hunter2-secret-stdin',
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(textOf(r)).toContain('hunter2-secret-stdin');
    const lines = readFileSync(auditLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { phase: string; path: string; params: Record<string, unknown> });
    const sent = lines.find((l) => l.phase === 'sent' && l.path.endsWith('/agent/exec'))!;
    expect(sent.params.command).toEqual(['cat']);
    expect(sent.params['input-data']).toBe('***');
    expect(readFileSync(auditLog, 'utf8')).not.toContain('hunter2');
  });
});

describe('exec rules', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  for (const schemaUnavailable of [false, true]) {
    const mode = schemaUnavailable ? 'schema unavailable' : 'schema available';

    it(`allow-list: listed commands run unasked, others are refused, deny wins (${mode})`, async () => {
      const t = await harness({
        schemaUnavailable,
        answer: 'accept',
        policy: {
          exec: {
            allow: ['df *', 'cat /etc/os-release', 'systemctl status *', 'systemctl is-active *'],
            deny: ['systemctl * sshd'],
            confirm: ['systemctl status *'],
          },
        },
      });
      h = t.h;
      const df = await h.call('guest_exec', { vmid: 100, command: ['/usr/bin/df', '-h', '/'] });
      expect(df.isError, textOf(df)).toBeFalsy();
      const os = await h.call('proxmox_api_call', raw(['cat', '/etc/os-release']));
      expect(os.isError, textOf(os)).toBeFalsy();
      expect(t.asked).toHaveLength(0);

      const shadow = await h.call('guest_exec', { vmid: 100, command: 'cat /etc/shadow' });
      expect(textOf(shadow)).toMatch(
        /\["cat","\/etc\/shadow"\] matches no rule of the exec allow-list clusters\.demo\.policy\.exec\.allow in \/etc\/pmcp\/clusters\.json/,
      );
      const denied = await h.call('guest_exec', { vmid: 100, command: 'systemctl is-active sshd' });
      expect(textOf(denied)).toMatch(/denied by exec rule "systemctl \* sshd"/);
      // A confirm rule asks even where an allow rule matches too.
      const status = await h.call('guest_exec', { vmid: 100, command: 'systemctl status nginx' });
      expect(status.isError, textOf(status)).toBeFalsy();
      expect(t.asked).toHaveLength(1);
      expect(t.asked[0]!.message).toContain('systemctl status *');
      expect(agentPosts(h)).toEqual(['exec', 'exec', 'exec']);
    });

    it(`judges the command as PVE receives it: a string is one argument, form and JSON alike (${mode})`, async () => {
      const t = await harness({ schemaUnavailable, policy: { exec: { allow: ['df *'] } } });
      h = t.h;
      // PVE wraps a scalar into a one-element array: the program would be "df -h", which no rule names.
      const asString = await h.call('proxmox_api_call', raw('df -h'));
      expect(textOf(asString)).toMatch(/the guest command \["df -h"\] matches no rule/);
      const asList = await h.call('proxmox_api_call', raw(['df', '-h']));
      expect(asList.isError, textOf(asList)).toBeFalsy();
      // The same list sent as repeated form fields reached the simulator as two arguments.
      const sent = h.sims.demo!.requests.find((q) => q.method === 'POST' && q.path.endsWith('/agent/exec'));
      expect(sent?.body).toBe('command=df&command=-h');
      // A JSON body carries the same values: judged the same (the client's policy runs before encoding).
      const client = h.runtime.registry.get('demo').client;
      const p = '/nodes/pve1/qemu/100/agent/exec';
      await expect(client.request('POST', p, { command: 'df -h' }, { encoding: 'json' })).rejects.toThrow(
        /\["df -h"\] matches no rule/,
      );
      await expect(
        client.request('POST', p, { command: ['cat', '/etc/shadow'] }, { encoding: 'json' }),
      ).rejects.toThrow(/\["cat","\/etc\/shadow"\] matches no rule/);
      const json = await client.request<{ pid: number }>(
        'POST',
        p,
        { command: ['df'] },
        { encoding: 'json' },
      );
      expect(typeof json.pid).toBe('number');
      const last = h.sims.demo!.requests.filter((q) => q.path.endsWith('/agent/exec')).at(-1);
      expect(last?.body).toBe('{"command":["df"]}');
      expect(agentPosts(h)).toEqual(['exec', 'exec']);
    });
  }

  it('a rule that names the shell lets it through; a wildcard alone never does', async () => {
    const t = await harness({
      answer: 'accept',
      policy: { exec: { allow: ['sh -c *', 'echo *'] } },
    });
    h = t.h;
    const sh = await h.call('guest_exec', { vmid: 100, command: ['sh', '-c', 'uptime'] });
    // Let through by the policy; the simulated guest has no sh, so the agent says so.
    expect(textOf(sh)).toMatch(/Failed to execute child process “sh”/);
    const pipe = await h.call('guest_exec', { vmid: 100, command: ['sh', '-c', 'df | head'] });
    expect(textOf(pipe)).toMatch(/shell operator "\|"/);
    const tick = await h.call('guest_exec', { vmid: 100, command: ['echo', '`id`'] });
    expect(textOf(tick)).toMatch(/shell operator "`"/);
    expect(agentPosts(h)).toEqual(['exec']);
  });
});

describe('read-only clusters', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('refuse every command unless policy.exec.read_only_allow names it, and every file write', async () => {
    const t = await harness({ readOnly: true, answer: 'accept' });
    h = t.h;
    const r = await h.call('guest_exec', { vmid: 100, command: 'df -h' });
    expect(textOf(r)).toMatch(
      /^refused POST \S+: cluster "demo" is read-only \(.*\); only GET requests are sent, and guest commands a policy\.exec\.read_only_allow rule names: none names \["df","-h"\]/,
    );
    const w = await h.call('proxmox_api_call', {
      method: 'POST',
      path: '/nodes/pve1/qemu/100/agent/file-write',
      data: { file: '/etc/motd', content: 'x' },
    });
    expect(textOf(w)).toMatch(/read-only/);
    expect(agentPosts(h)).toEqual([]);
    expect(t.asked).toEqual([]);
  });

  it('run the listed read-only commands, and nothing else', async () => {
    const t = await harness({
      readOnly: true,
      policy: { exec: { allow: ['systemctl *'], read_only_allow: ['df -h', 'systemctl is-active *'] } },
    });
    h = t.h;
    expect((await h.call('guest_exec', { vmid: 100, command: 'df -h' })).isError).toBeFalsy();
    const active = await h.call('guest_exec', { vmid: 100, command: 'systemctl is-active nginx' });
    expect(textOf(active)).toContain('active');
    // allow does not count on a read-only cluster: only read_only_allow does.
    const restart = await h.call('guest_exec', { vmid: 100, command: 'systemctl restart nginx' });
    expect(textOf(restart)).toMatch(/read_only_allow/);
    expect(agentPosts(h)).toEqual(['exec', 'exec']);
  });

  it('list guest_exec (read-only variant) and guest_file_read, never guest_file_write', async () => {
    h = await startHarness({ readOnlySource: '--read-only' });
    const names = (await h.client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('guest_exec');
    expect(names).toContain('guest_file_read');
    expect(names).not.toContain('guest_file_write');
  });
});
