import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, evaluatePolicy, resolvePolicy } from '../../src/safety/policy.js';

/**
 * The role inside the one policy evaluation, in order: read-only, deny, the role, the allow-list, then
 * confirm. A role only ever narrows: what it lets through still meets the allow-list and confirm rules.
 */

const stop = { method: 'POST', path: '/nodes/pve1/qemu/100/status/stop' };
const config = { method: 'PUT', path: '/nodes/pve1/qemu/100/config', params: { description: 'x' } };
const verdictOf = (
  request: { method: string; path: string; params?: Record<string, string> },
  role: 'admin' | 'operator' | 'reader' | 'none',
  opts: { policy?: ReturnType<typeof resolvePolicy>; readOnly?: boolean } = {},
) =>
  evaluatePolicy(
    opts.policy ?? DEFAULT_POLICY,
    request,
    opts.readOnly ? { source: 'read_only: true' } : undefined,
    { role },
  ).verdict;

describe('roles in the policy evaluation', () => {
  it("an operator's stop still asks (the built-in confirm rule); a config change is the role's refusal", () => {
    expect(verdictOf(stop, 'operator')).toBe('confirm');
    expect(verdictOf(config, 'operator')).toBe('role');
    expect(verdictOf(config, 'admin')).toBe('ok');
    expect(verdictOf({ method: 'GET', path: '/nodes' }, 'reader')).toBe('ok');
    expect(verdictOf({ method: 'GET', path: '/nodes' }, 'none')).toBe('role');
  });

  it('read-only comes first, then deny, then the role, then the allow-list', () => {
    expect(verdictOf(stop, 'reader', { readOnly: true })).toBe('read-only');
    const policy = resolvePolicy(
      undefined,
      { deny: ['PUT /nodes/*/qemu/*/config'], allow: ['GET /**', 'PUT /**'] },
      'prod',
      'test',
    );
    expect(verdictOf(config, 'reader', { policy })).toBe('deny');
    expect(verdictOf(stop, 'reader', { policy })).toBe('role');
    // Allowed by the operator's role, not by the cluster's allow-list: the allow-list decides.
    expect(verdictOf(stop, 'operator', { policy })).toBe('not-allowed');
  });

  it('a guest command is a write: a reader cannot run one even where read_only_allow would let it', () => {
    const exec = { method: 'POST', path: '/nodes/pve1/qemu/100/agent/exec', params: { command: 'uptime' } };
    const policy = resolvePolicy(undefined, { exec: { read_only_allow: ['uptime'] } }, 'prod', 'test');
    expect(verdictOf(exec, 'admin', { policy, readOnly: true })).toBe('ok');
    expect(verdictOf(exec, 'reader', { policy, readOnly: true })).toBe('role');
    expect(verdictOf(exec, 'operator', { policy })).toBe('role');
  });
});
