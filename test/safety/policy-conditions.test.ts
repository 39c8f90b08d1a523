import { describe, expect, it } from 'vitest';
import { encodeBody } from '../../src/proxmox/encode.js';
import { DEFAULT_POLICY, evaluatePolicy, resolvePolicy } from '../../src/safety/policy.js';
import { compileRule, ruleProblem } from '../../src/safety/rules.js';

const verdict = (method: string, path: string, params: Record<string, unknown> = {}) =>
  evaluatePolicy(DEFAULT_POLICY, { method, path, params }).verdict;

describe('parameter conditions in rules', () => {
  it('are validated with a reason', () => {
    expect(ruleProblem('POST /nodes/*/status command=shutdown|reboot')).toBeUndefined();
    expect(ruleProblem('POST /nodes/*/qemu/*/status/shutdown forceStop=1')).toBeUndefined();
    expect(ruleProblem('POST /nodes/*/qemu/*/migrate force=* with-local-disks=1')).toBeUndefined();
    expect(ruleProblem('POST /nodes/*/status command')).toMatch(/not a parameter condition/);
    expect(ruleProblem('POST /nodes/*/status command=')).toMatch(/not a parameter condition/);
    expect(ruleProblem('POST /nodes/*/status command=a||b')).toMatch(/not a parameter condition/);
    expect(ruleProblem('POST /nodes/*/status =1')).toMatch(/not a parameter condition/);
    expect(ruleProblem('POST /nodes/*/status?command=shutdown')).toMatch(/use a condition/);
    expect(ruleProblem('DELETE /nodes/*/storage/*/content/local:iso%2Fx.iso')).toMatch(/plain slashes/);
    expect(ruleProblem('DELETE /nodes/*/storage/*/content/local:iso/**')).toMatch(
      /"\*\*" cannot be part of a volume id/,
    );
  });

  it('compare with the value as sent: true, "1", 1, [1], " 1" and "+01" are one value', () => {
    for (const forceStop of [true, '1', 1, [1], ['0', '1'], ' 1', '+01', 'true', 'TRUE', 'yes', 'on']) {
      expect(verdict('POST', '/nodes/pve1/qemu/100/status/shutdown', { forceStop }), String(forceStop)).toBe(
        'confirm',
      );
    }
    for (const forceStop of [false, 0, '0', 'no', undefined, null, []]) {
      expect(verdict('POST', '/nodes/pve1/qemu/100/status/shutdown', { forceStop }), String(forceStop)).toBe(
        'ok',
      );
    }
    expect(verdict('POST', '/nodes/pve1/qemu/100/status/shutdown')).toBe('ok');
  });

  it('JSON bodies carry the same values: what the rule sees is what PVE reads', () => {
    // PVE reads JSON true as 1 and the form "1" as 1: both ask.
    expect(encodeBody({ forceStop: true }, 'json')?.body).toBe('{"forceStop":true}');
    expect(encodeBody({ forceStop: true }, 'form')?.body).toBe('forceStop=1');
    expect(verdict('POST', '/nodes/pve1/qemu/100/status/shutdown', { forceStop: true })).toBe('confirm');
  });

  it('values compare case-insensitively; names are case-sensitive as in PVE', () => {
    expect(verdict('POST', '/nodes/pve1/status', { command: 'shutdown' })).toBe('confirm');
    expect(verdict('POST', '/nodes/pve1/status', { command: 'REBOOT' })).toBe('confirm');
    expect(verdict('POST', '/nodes/pve1/status', { command: ['x', 'reboot'] })).toBe('confirm');
    expect(verdict('POST', '/nodes/pve1/status', { command: 'wakeonlan' })).toBe('ok');
    // PVE refuses a name the method does not take (400, additionalProperties 0): nothing runs.
    expect(verdict('POST', '/nodes/pve1/status', { Command: 'shutdown' })).toBe('ok');
  });

  it('judge the routed path: doubled and trailing slashes, escaped letters', () => {
    expect(verdict('POST', '/nodes//pve1/status/', { command: 'shutdown' })).toBe('confirm');
    expect(verdict('POST', '/nodes/pve1/%73tatus', { command: 'shutdown' })).toBe('confirm');
    expect(verdict('POST', '/nodes/pve1//stopall')).toBe('confirm');
    expect(verdict('POST', '/nodes/pve1/qemu/100/agent/exec', { command: ['rm', '-rf', '/'] })).toBe(
      'confirm',
    );
    expect(verdict('PUT', '/cluster/firewall/options', { enable: 0 })).toBe('confirm');
    expect(verdict('PUT', '/nodes/pve1/qemu/100/firewall/options', { enable: false })).toBe('confirm');
    expect(verdict('PUT', '/cluster/firewall/options', { enable: 1 })).toBe('ok');
  });

  it('a `*` inside a volume id spans its slashes; `*` alone is the whole id', () => {
    const rule = compileRule('DELETE /nodes/*/storage/*/content/local:iso/*', 'test');
    expect(rule.matches('DELETE', '/nodes/a/storage/local/content/local:iso/x.iso')).toBe(true);
    expect(rule.matches('DELETE', '/nodes/a/storage/local/content/local:iso%2Fsub%2Fx.iso')).toBe(true);
    expect(rule.matches('DELETE', '/nodes/a/storage/local/content/local:vztmpl/x.tar')).toBe(false);
    const whole = compileRule('DELETE /nodes/*/storage/*/content/*', 'test');
    expect(whole.matches('DELETE', '/nodes/a/storage/local/content/local:iso/a/b/c')).toBe(true);
  });
});

describe('one evaluation: read-only, deny, allow and confirm', () => {
  const policy = resolvePolicy({ deny: ['* /access/**'] }, undefined, 'c', 'f');
  it('read-only is a verdict of the same evaluation and names its setting', () => {
    expect(
      evaluatePolicy(
        policy,
        { method: 'POST', path: '/nodes/a/qemu/1/status/start' },
        { source: '--read-only' },
      ),
    ).toEqual({
      verdict: 'read-only',
      source: '--read-only',
    });
    expect(evaluatePolicy(policy, { method: 'GET', path: '/nodes' }, { source: '--read-only' })).toEqual({
      verdict: 'ok',
    });
    expect(
      evaluatePolicy(policy, { method: 'GET', path: '/access//users' }, { source: '--read-only' }),
    ).toMatchObject({
      verdict: 'deny',
    });
  });
});
