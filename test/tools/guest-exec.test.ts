import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN_SECRET } from '../../src/simulator/testing/index.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/**
 * guest_exec through MCP against the simulator's guest agent: results, output handling, waiting
 * (progress, timeout, cancellation) and every error with what to fix. The harness client has no
 * elicitation, so the default "ask" sends on the client's own approval (confirmation client-approval).
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const structured = (r: Awaited<ReturnType<Harness['call']>>) =>
  r.structuredContent as Record<string, unknown>;
const statusPolls = () => h.sims.demo!.requests.filter((q) => q.path.includes('/agent/exec-status')).length;

describe('guest_exec results', () => {
  it('returns exit code and stdout, node and type looked up from the VMID', async () => {
    const r = await h.call('guest_exec', { vmid: 100, command: 'cat /etc/os-release' });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(textOf(r)).toMatch(/^\["cat","\/etc\/os-release"\] on VM 100 \(web01\) exited with code 0/);
    expect(structured(r)).toMatchObject({
      node: 'pve1',
      command: ['cat', '/etc/os-release'],
      exited: true,
      exitcode: 0,
      stdout: expect.stringContaining('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"'),
    });
  });

  it('a non-zero exit code is the answer, not a tool error; stderr is reported', async () => {
    const inactive = await h.call('guest_exec', { vmid: 105, command: ['systemctl', 'is-active', 'nginx'] });
    expect(inactive.isError).toBeFalsy();
    expect(structured(inactive)).toMatchObject({ exitcode: 3, stdout: 'inactive\n' });
    const missing = await h.call('guest_exec', { vmid: 100, command: ['cat', '/nope'] });
    expect(structured(missing)).toMatchObject({
      exitcode: 1,
      stderr: 'cat: /nope: No such file or directory\n',
    });
    expect(textOf(missing)).toContain('stderr:\ncat: /nope: No such file or directory');
  });

  it('splits a string on spaces with quotes grouping, and passes stdin', async () => {
    const r = await h.call('guest_exec', { vmid: 100, command: `echo 'a  b' "c d"` });
    expect(structured(r)).toMatchObject({ command: ['echo', 'a  b', 'c d'], stdout: 'a  b c d\n' });
    const stdin = await h.call('guest_exec', { vmid: 100, command: ['cat'], input: 'from stdin\n' });
    expect(structured(stdin).stdout).toBe('from stdin\n');
    const bad = await h.call('guest_exec', { vmid: 100, command: `echo 'unclosed` });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/unbalanced '/);
  });

  it("decodes UTF-8 output from PVE's Latin-1 byte characters", async () => {
    const r = await h.call('guest_exec', { vmid: 100, command: ['echo', 'héllo wörld ✓'] });
    expect(structured(r).stdout).toBe('héllo wörld ✓\n');
  });

  it('caps what the model reads and reports what the agent cut (out-truncated)', async () => {
    const r = await h.call('guest_exec', { vmid: 100, command: ['seq', '3000000'] });
    expect(r.isError, textOf(r)).toBeFalsy();
    const s = structured(r);
    expect(s.out_truncated).toBe(true);
    expect((s.stdout as string).length).toBe(8000);
    expect(textOf(r)).toMatch(/stdout cut to its first 8000 of \d+ characters/);
    expect(textOf(r)).toMatch(/kept only part of stdout \(out-truncated\)/);
  }, 30_000);
});

describe('guest_exec waiting', () => {
  it('sends progress while the command runs', async () => {
    const progress: number[] = [];
    const r = await h.client.callTool(
      { name: 'guest_exec', arguments: { vmid: 100, command: 'sleep 1.2' } },
      undefined,
      { onprogress: (p) => progress.push(p.progress) },
    );
    expect(r.isError).toBeFalsy();
    expect(progress.length).toBeGreaterThan(0);
  });

  it('on timeout says the process keeps running and gives the pid to ask exec-status', async () => {
    const r = await h.call('guest_exec', { vmid: 100, command: 'sleep 3', timeout_seconds: 1 });
    expect(r.isError).toBe(true);
    const pid = structured(r).pid as number;
    expect(textOf(r)).toContain(
      `has not exited after 1 s. It keeps running in the guest (pid ${pid}); do not start it again`,
    );
    expect(textOf(r)).toContain(`GET /nodes/pve1/qemu/100/agent/exec-status with data {"pid": ${pid}}`);
    const status = await h.call('proxmox_api_call', {
      path: '/nodes/pve1/qemu/100/agent/exec-status',
      data: { pid },
    });
    expect(textOf(status)).toMatch(/exited/);
  });

  it('a failed status read after the start names the pid: the program runs on', async () => {
    const fault = h.sims.demo!.faults.add({
      kind: 'status',
      status: 403,
      match: 'GET /nodes/pve1/qemu/100/agent/exec-status',
    });
    try {
      const r = await h.call('guest_exec', { vmid: 100, command: 'sleep 1' });
      expect(r.isError).toBe(true);
      const pid = structured(r).pid as number;
      expect(typeof pid).toBe('number');
      expect(textOf(r)).toContain(`The command was started (pid ${pid}) and may still be running`);
    } finally {
      fault.remove();
    }
  });

  it('stops polling when the client cancels', async () => {
    const controller = new AbortController();
    const call = h.client.callTool(
      { name: 'guest_exec', arguments: { vmid: 100, command: 'sleep 30' } },
      undefined,
      {
        signal: controller.signal,
      },
    );
    await new Promise((r) => setTimeout(r, 500));
    controller.abort();
    await expect(call).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 200));
    const after = statusPolls();
    await new Promise((r) => setTimeout(r, 1500));
    expect(statusPolls()).toBe(after);
  });
});

describe('guest_exec errors say what to fix', () => {
  const guest = (vmid: number) => h.sims.demo!.state.fleet.guests.get(vmid)!;

  it('agent not enabled in the VM config', async () => {
    const before = guest(105).config.agent;
    guest(105).config.agent = '0';
    try {
      const r = await h.call('guest_exec', { vmid: 105, command: 'df -h' });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toContain('QEMU guest agent is not enabled');
      expect(textOf(r)).toContain('`qm set 105 --agent enabled=1`');
      expect(textOf(r)).toMatch(/stop and start the VM/);
    } finally {
      guest(105).config.agent = before!;
    }
  });

  it('agent not running in the guest', async () => {
    const r = await h.call('guest_exec', { vmid: 101, command: 'df -h' });
    expect(textOf(r)).toContain('QEMU guest agent is not running');
    expect(textOf(r)).toContain('systemctl enable --now qemu-guest-agent');
  });

  it('no agent in the VM config at all', async () => {
    const r = await h.call('guest_exec', { vmid: 102, command: 'df -h' });
    expect(textOf(r)).toContain('No QEMU guest agent configured');
    expect(textOf(r)).toContain('`qm set 102 --agent enabled=1`');
  });

  it('VM stopped', async () => {
    const r = await h.call('guest_exec', { vmid: 103, command: 'df -h' });
    expect(textOf(r)).toMatch(/VM 103 is not running[\s\S]*guest_action start/);
  });

  it('command not found', async () => {
    const r = await h.call('guest_exec', { vmid: 100, command: 'htop' });
    expect(textOf(r)).toContain('Failed to execute child process “htop” (No such file or directory)');
    expect(textOf(r)).toContain('give its full path');
  });

  it('a container: PVE has no API for it, and the alternatives', async () => {
    const r = await h.call('guest_exec', { vmid: 200, command: 'df -h' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/container 200 \(dns\) is a container, and PVE has no API to run commands/);
    expect(textOf(r)).toContain('pct exec 200');
    expect(h.sims.demo!.requests.some((q) => q.path.includes('/lxc/200/agent'))).toBe(false);
  });

  it('missing privilege: the PVE 9 agent privilege and the grant lines', async () => {
    const p = await startHarness({
      clusters: [
        {
          name: 'pve9',
          sim: {
            tokens: [
              {
                user: 'mcp@pve',
                tokenId: 'agent',
                secret: DEMO_TOKEN_SECRET,
                privsep: true,
                acl: [{ path: '/', privs: ['VM.Audit', 'VM.GuestAgent.FileRead'] }],
              },
            ],
          },
          config: { user: 'mcp@pve', tokenId: 'agent' },
        },
      ],
    });
    try {
      const r = await p.call('guest_exec', { vmid: 100, command: 'df -h' });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toContain('lacks VM.GuestAgent.Unrestricted on /vms/100');
      expect(textOf(r)).toContain('pveum acl modify /vms/100');
      expect(textOf(r)).toContain('exec and exec-status need VM.GuestAgent.Unrestricted');
      // FileRead is enough to read a file.
      const read = await p.call('guest_file_read', { vmid: 100, path: '/etc/hostname' });
      expect(read.isError, textOf(read)).toBeFalsy();
    } finally {
      await p.close();
    }
  });
});
