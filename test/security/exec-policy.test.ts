import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import {
  commandArgv,
  compileExecRule,
  evaluateExec,
  execRisks,
  splitCommand,
} from '../../src/safety/exec-policy.js';
import { evaluatePolicy } from '../../src/safety/policy.js';
import { configError } from '../helpers/config-error.js';
import { registerSecret } from '../helpers/recording.js';

/** The command policy's parts: splitting, patterns, risks, and policy.exec in clusters.json. */
const EXEC = '/nodes/pve1/qemu/100/agent/exec';

describe('splitCommand (how a string command becomes arguments)', () => {
  it('splits on whitespace, groups quotes and nothing else', () => {
    expect(splitCommand('df  -h /')).toEqual(['df', '-h', '/']);
    expect(splitCommand(`grep "a b" 'c  d' x''y`)).toEqual(['grep', 'a b', 'c  d', 'xy']);
    expect(splitCommand('echo $HOME\\n *')).toEqual(['echo', '$HOME\\n', '*']);
    expect(splitCommand(`echo ''`)).toEqual(['echo', '']);
    expect(() => splitCommand(`echo "x`)).toThrow(/unbalanced "/);
  });
});

describe('exec patterns', () => {
  const rule = (t: string) => compileExecRule(t, 'test');
  it('match word by word; a trailing * takes any rest; * inside a word stays within one path level', () => {
    expect(rule('df *').matches(['df'])).toBe(true);
    expect(rule('df *').matches(['/usr/bin/df', '-h', '/'])).toBe(true);
    expect(rule('df *').matches(['dfx', '-h'])).toBe(false);
    expect(rule('journalctl -u * -n *').matches(['journalctl', '-u', 'nginx', '-n', '50'])).toBe(true);
    expect(rule('journalctl -u * -n *').matches(['journalctl', '-u', 'nginx'])).toBe(false);
    expect(rule('systemctl status *').matches(['systemctl', 'restart', 'x'])).toBe(false);
    expect(rule('cat /var/log/*.log').matches(['cat', '/var/log/syslog.log'])).toBe(true);
    expect(rule('cat /var/log/*.log').matches(['cat', '/var/log/../../etc/shadow.log'])).toBe(false);
    expect(rule('cat /etc/os-release').matches(['cat', '/etc/os-release', '/etc/shadow'])).toBe(false);
    // A path in the rule's program is matched exactly, not by basename.
    expect(rule('/usr/bin/df -h').matches(['/tmp/df', '-h'])).toBe(false);
  });

  it('name shells only when written without a wildcard', () => {
    const [sh] = execRisks(['sh', '-c', 'x']);
    expect(rule('sh -c *').names(sh!)).toBe(true);
    expect(rule('s* -c *').names(sh!)).toBe(false);
    const pipe = execRisks(['grep', 'a|b'])[0]!;
    expect(pipe).toEqual({ kind: 'operator', text: '|' });
    expect(rule("grep 'a|b'").names(pipe)).toBe(true);
    expect(rule('grep *').names(pipe)).toBe(false);
  });

  it('recognise shells, interpreters and wrappers by basename, Windows too', () => {
    for (const p of [
      '/bin/sh',
      'BASH',
      'python3.11',
      'perl',
      'env',
      'sudo',
      'xargs',
      'powershell.exe',
      'cmd.exe',
    ])
      expect(execRisks([p, 'x']), p).not.toEqual([]);
    for (const p of ['df', 'systemctl', 'cat', 'journalctl', 'ip'])
      expect(execRisks([p, '-h']), p).toEqual([]);
  });
});

describe('evaluateExec', () => {
  it('with no rules asks for every plain command and refuses risky ones', () => {
    expect(evaluateExec(undefined, ['df', '-h'], false)).toMatchObject({ verdict: 'confirm' });
    expect(evaluateExec(undefined, ['sh', '-c', 'df'], false)).toMatchObject({ verdict: 'risky' });
    expect(evaluateExec(undefined, ['df'], true)).toEqual({ verdict: 'read-only' });
  });

  it('reads the command as sent: list elements, a string as one argument, numbers as text', () => {
    expect(commandArgv({ command: ['df', '-h'] })).toEqual(['df', '-h']);
    expect(commandArgv({ command: 'df -h' })).toEqual(['df -h']);
    expect(commandArgv({ command: ['sleep', 5] })).toEqual(['sleep', '5']);
    expect(commandArgv({})).toEqual([]);
  });
});

const entry = (extra: Record<string, unknown> = {}) => ({
  url: 'pve1.example.com',
  user: 'mcp@pve',
  token_id: 'mcp',
  token_secret: '5f1c9b2e-2222-4c2d-9e3f-aabbccddeeff',
  ...extra,
});
registerSecret(entry().token_secret);

async function load(config: unknown) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-exec-'));
  writeFileSync(path.join(dir, 'clusters.json'), JSON.stringify(config));
  return loadConfig({ cwd: dir, env: {}, homedir: dir });
}

describe('policy.exec in clusters.json', () => {
  it('top level is the default of every cluster, key by key', async () => {
    const cfg = await load({
      policy: { exec: { allow: ['df *'], deny: ['rm *'] } },
      clusters: { prod: entry(), lab: entry({ policy: { exec: { allow: ['cat *'] } } }) },
    });
    const [prod, lab] = cfg.clusters;
    const run = (p: typeof prod, command: string[]) =>
      evaluatePolicy(p!.policy!, { method: 'POST', path: EXEC, params: { command } });
    expect(run(prod, ['df', '-h'])).toEqual({ verdict: 'ok' });
    expect(run(prod, ['cat', 'x'])).toMatchObject({
      verdict: 'refused',
      source: expect.stringMatching(/^policy\.exec\.allow in /),
    });
    expect(run(lab, ['cat', 'x'])).toEqual({ verdict: 'ok' });
    expect(run(lab, ['rm', 'x'])).toMatchObject({
      verdict: 'refused',
      message: expect.stringContaining('denied by exec rule "rm *" (policy.exec.deny[0] in'),
    });
  });

  it('refuses a bad pattern or key at start-up, naming the key path', async () => {
    const bad = await configError(
      load({ clusters: { prod: entry({ policy: { exec: { allow: ['df *', '* -h'] } } }) } }),
    );
    expect(bad.keyPath).toBe('clusters.prod.policy.exec.allow.1');
    expect(bad.message).toMatch(/the program \(first word\) must be named/);
    const quote = await configError(
      load({ policy: { exec: { deny: ['echo "x'] } }, clusters: { prod: entry() } }),
    );
    expect(quote.keyPath).toBe('policy.exec.deny.0');
    const key = await configError(load({ policy: { exec: { alow: ['df'] } }, clusters: { prod: entry() } }));
    expect(key.message).toMatch(/policy\.exec: unknown key "alow" \(did you mean "allow"\?\)/);
  });
});
