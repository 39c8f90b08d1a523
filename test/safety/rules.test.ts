import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, evaluatePolicy, resolvePolicy } from '../../src/safety/policy.js';
import { compileRule, ruleProblem } from '../../src/safety/rules.js';

const match = (rule: string, method: string, path: string) => compileRule(rule, 'test').matches(method, path);

describe('policy rules', () => {
  it('"*" matches exactly one segment, "**" any number (none included), METHOD may be "*"', () => {
    expect(match('POST /nodes/*/qemu/*/status/stop', 'POST', '/nodes/pve1/qemu/100/status/stop')).toBe(true);
    expect(match('POST /nodes/*/qemu/*/status/stop', 'POST', '/nodes/pve1/lxc/100/status/stop')).toBe(false);
    expect(match('POST /nodes/*/qemu/*/status/stop', 'POST', '/nodes/pve1/x/qemu/100/status/stop')).toBe(
      false,
    );
    expect(match('POST /nodes/*/qemu/*/status/stop', 'GET', '/nodes/pve1/qemu/100/status/stop')).toBe(false);
    expect(match('DELETE /**', 'DELETE', '/nodes/pve1/qemu/100')).toBe(true);
    expect(match('DELETE /**', 'DELETE', '/')).toBe(true);
    expect(match('* /access/**', 'GET', '/access')).toBe(true);
    expect(match('* /access/**', 'PUT', '/access/users/a@pve')).toBe(true);
    expect(match('* /access/**', 'GET', '/accessible')).toBe(false);
    expect(match('* /nodes/**/status', 'GET', '/nodes/pve1/qemu/100/status')).toBe(true);
    expect(match('get /version', 'GET', '/version')).toBe(true);
  });

  it('"*" inside a segment stays inside it', () => {
    expect(match('POST /nodes/pve*/qemu/**', 'POST', '/nodes/pve2/qemu/100/status/start')).toBe(true);
    expect(match('POST /nodes/pve*/qemu/**', 'POST', '/nodes/lab1/qemu/100/status/start')).toBe(false);
    expect(match('GET /nodes/*', 'GET', '/nodes/pve1/qemu')).toBe(false);
  });

  it('accepts /api2/json prefixes and refuses malformed rules with a reason', () => {
    expect(match('GET /api2/json/version', 'GET', '/version')).toBe(true);
    expect(ruleProblem('DELETE /**')).toBeUndefined();
    expect(ruleProblem('/nodes')).toMatch(/not a rule; write "METHOD \/path"/);
    expect(ruleProblem('PATCH /nodes')).toMatch(/method "PATCH" must be GET, POST, PUT, DELETE or \*/);
    expect(ruleProblem('GET nodes')).toMatch(/must start with "\/"/);
    expect(ruleProblem('GET /nodes/a**')).toMatch(/"\*\*" must be a whole segment/);
    expect(ruleProblem('GET /nodes//x')).toMatch(/empty path segment/);
    expect(ruleProblem('GET /nodes?x=1')).toMatch(/query string/);
    expect(ruleProblem('GET /nodes/../access')).toMatch(/"\." and "\.\." are not allowed/);
    expect(ruleProblem('GET /a b')).toMatch(/not a rule/);
  });
});

describe('policy evaluation', () => {
  it('deny wins over allow; allow makes an allow-list; confirm applies to what passes', () => {
    const p = resolvePolicy(
      { allow: ['GET /**', 'POST /nodes/*/qemu/*/status/*'], deny: ['* /access/**'] },
      { deny: ['POST /nodes/*/qemu/*/status/stop'] },
      'prod',
      '/etc/clusters.json',
    );
    const stop = evaluatePolicy(p, { method: 'POST', path: '/nodes/pve1/qemu/100/status/stop' });
    expect(stop).toMatchObject({ verdict: 'deny' });
    expect(stop.verdict === 'deny' && stop.rule.source).toBe(
      'clusters.prod.policy.deny[0] in /etc/clusters.json',
    );
    // The cluster's deny replaced the top-level one (key by key), so /access is only allow-listed.
    expect(evaluatePolicy(p, { method: 'GET', path: '/access/users' })).toEqual({ verdict: 'ok' });
    expect(evaluatePolicy(p, { method: 'PUT', path: '/nodes/pve1/qemu/100/config' })).toEqual({
      verdict: 'not-allowed',
      source: 'policy.allow in /etc/clusters.json',
    });
    expect(evaluatePolicy(p, { method: 'POST', path: '/nodes/pve1/qemu/100/status/start' })).toEqual({
      verdict: 'ok',
    });
    // Built-in confirm list applies when none is configured.
    expect(evaluatePolicy(p, { method: 'POST', path: '/nodes/pve1/qemu/100/status/reset' })).toMatchObject({
      verdict: 'confirm',
    });
  });

  it('asks by default for DELETE, stop, reset and rollback, and nothing else', () => {
    const asks = (m: string, path: string) =>
      evaluatePolicy(DEFAULT_POLICY, { method: m, path: path }).verdict === 'confirm';
    expect(asks('DELETE', '/nodes/pve1/qemu/100')).toBe(true);
    expect(asks('DELETE', '/nodes/pve1/lxc/200')).toBe(true);
    expect(asks('POST', '/nodes/pve1/qemu/100/status/stop')).toBe(true);
    expect(asks('POST', '/nodes/pve1/qemu/100/status/reset')).toBe(true);
    expect(asks('POST', '/nodes/pve1/lxc/200/status/stop')).toBe(true);
    expect(asks('POST', '/nodes/pve1/qemu/100/snapshot/pre/rollback')).toBe(true);
    expect(asks('POST', '/nodes/pve1/lxc/200/snapshot/pre/rollback')).toBe(true);
    expect(asks('POST', '/nodes/pve1/qemu/100/status/start')).toBe(false);
    expect(asks('POST', '/nodes/pve1/qemu/100/status/shutdown')).toBe(false);
    expect(asks('GET', '/nodes/pve1/qemu/100/status/current')).toBe(false);
    // An empty confirm list turns confirmation off.
    const none = resolvePolicy({ confirm: [] }, undefined, 'prod', 'f');
    expect(evaluatePolicy(none, { method: 'DELETE', path: '/nodes/pve1/qemu/100' })).toEqual({
      verdict: 'ok',
    });
  });
});
