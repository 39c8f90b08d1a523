import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfigFile } from '../../src/config/load.js';
import { DEMO_TOKEN_SECRET, startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { assertBuilt, binPath, runCli } from '../helpers/cli.js';

let sim: Simulator;
beforeAll(async () => {
  assertBuilt();
  sim = await startSimulator();
});
afterAll(async () => sim?.close());

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'pmcp-init-'));
}

/** A clean environment whose user config dir is a fresh temp dir. */
function homeEnv(dir: string): Record<string, string> {
  return { HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'config') };
}

const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

describe('proxmox-mcp init, without a terminal (flags only)', () => {
  it('writes the user config dir file with mode 0600 and prints the setup steps', async () => {
    const dir = tmp();
    const r = await runCli(['init', '--url', 'pve1.example.com'], { env: homeEnv(dir), cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const file = path.join(dir, 'config', 'proxmox-mcp', 'clusters.json');
    expect(modeOf(file)).toBe('600');
    const written = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    expect(written).toEqual({
      default: 'pve1',
      clusters: {
        pve1: {
          url: 'https://pve1.example.com:8006',
          user: 'mcp@pve',
          token_id: 'mcp',
          token_secret: '${PVE1_TOKEN_SECRET}',
          read_only: true,
        },
      },
    });
    // What the loader makes of it, once the variable is set: exactly the cluster we meant.
    const loaded = resolveConfigFile(written, file, { PVE1_TOKEN_SECRET: 's3cret' });
    expect(loaded.clusters[0]).toMatchObject({
      name: 'pve1',
      port: 8006,
      tokenSecret: 's3cret',
      readOnly: true,
    });

    expect(r.stdout).toContain(`Wrote ${file} (readable by you only).`);
    expect(r.stdout).toContain('token_secret  "${PVE1_TOKEN_SECRET}": read from that environment variable');
    // Least privilege, read-only: PVEAuditor for the user, a token without separation.
    expect(r.stdout).toContain('pveum user add mcp@pve --comment "MCP assistant"');
    expect(r.stdout).toContain('pveum acl modify / --users mcp@pve --roles PVEAuditor');
    expect(r.stdout).toContain('pveum user token add mcp@pve mcp --privsep 0');
    expect(r.stdout).not.toContain('PVEVMUser');
    expect(r.stdout).toContain("export PVE1_TOKEN_SECRET='<the token secret>'");
    // The default file is where the server looks anyway: no --config needed anywhere.
    expect(r.stdout).toMatch(/^ {5}proxmox-mcp check$/m);
    expect(r.stdout).not.toContain('--config');
    // Client snippets, with the secret in the env block (Gemini CLI drops *SECRET* variables otherwise).
    expect(r.stdout).toContain("unless they are in the server's own env block");
    expect(r.stdout).toContain('"PVE1_TOKEN_SECRET": "<the token secret>"');
    expect(r.stdout).toContain(
      "claude mcp add proxmox --scope user --env PVE1_TOKEN_SECRET='<the token secret>' -- npx -y proxmox-mcp",
    );
    expect(r.stdout).toContain('"PVE1_TOKEN_SECRET": "${input:pve1-token-secret}"');
    expect(r.stdout).toContain('"password": true');
  });

  it('never overwrites without --force (exit 1); --force replaces and tightens the mode', async () => {
    const dir = tmp();
    const file = path.join(dir, 'clusters.json');
    writeFileSync(file, '{"mine": true}\n');
    chmodSync(file, 0o644);
    const r = await runCli(['init', '--url', 'pve1', '-o', file], { env: homeEnv(dir) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file} already exists; not overwriting it. Use --force`);
    expect(readFileSync(file, 'utf8')).toBe('{"mine": true}\n');

    const f = await runCli(['init', '--url', 'pve1', '-o', file, '--force'], { env: homeEnv(dir) });
    expect(f.code, f.stderr).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('clusters.pve1');
    expect(modeOf(file)).toBe('600');
    // Not the default location: every command and snippet names the file.
    expect(f.stdout).toContain(`proxmox-mcp check --config ${file}`);
    expect(f.stdout).toContain(`"args": ["-y", "proxmox-mcp", "--config", "${file}"]`);
  });

  it('--stdout prints only the JSON on stdout (steps on stderr) and writes nothing', async () => {
    const dir = tmp();
    const r = await runCli(
      ['init', '--stdout', '--url', 'https://10.0.0.5:8006/', '--user', 'root@pam', '--secret-file', 'sec'],
      { env: homeEnv(dir), cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      default: 'pve',
      clusters: {
        pve: {
          url: 'https://10.0.0.5:8006',
          user: 'root@pam',
          token_id: 'mcp',
          token_secret_file: path.join(dir, 'sec'),
          read_only: true,
        },
      },
    });
    expect(existsSync(path.join(dir, 'config'))).toBe(false);
    // root@pam: never a full-privilege root token; a separated one with its own ACL.
    expect(r.stderr).toContain('pveum user token add root@pam mcp --privsep 1');
    expect(r.stderr).toContain("pveum acl modify / --tokens 'root@pam!mcp' --roles PVEAuditor");
    expect(r.stderr).not.toContain('pveum user add');
    expect(r.stderr).toContain(`(umask 077; printf '%s\\n' '<the token secret>' > ${path.join(dir, 'sec')})`);
    expect(r.stderr).toContain('so no env block is needed');
  });

  it('--role operator prints the grants `check` expects for the write tools', async () => {
    const r = await runCli(['init', '--stdout', '--url', 'pve1', '--role', 'operator'], {
      env: homeEnv(tmp()),
    });
    expect(r.code).toBe(0);
    expect(
      (JSON.parse(r.stdout) as { clusters: { pve1: { read_only: boolean } } }).clusters.pve1.read_only,
    ).toBe(false);
    expect(r.stderr).toContain('pveum role add MCPSnapshot --privs VM.Snapshot,VM.Snapshot.Rollback');
    expect(r.stderr).toContain('pveum acl modify /vms --users mcp@pve --roles PVEVMUser');
    expect(r.stderr).toContain('pveum acl modify /vms --users mcp@pve --roles MCPSnapshot');
  });

  it('usage errors exit 2: no --url, conflicting flags, invalid values, and no flag takes a secret', async () => {
    const env = homeEnv(tmp());
    const cases: Array<[string[], RegExp]> = [
      [['init'], /--url is required when no terminal is attached/],
      [
        ['init', '--url', 'pve1', '--fingerprint', 'AB:'.repeat(31) + 'AB', '--insecure'],
        /only one of --fingerprint/,
      ],
      [['init', '--url', 'pve1', '--secret-env', 'A', '--secret-file', 'b'], /cannot be used with/],
      [['init', '--url', 'http://pve1'], /--url: url uses http:\/\//],
      [['init', '--url', 'pve1', '--user', 'mcp'], /--user: user must be user@realm/],
      [['init', '--url', 'pve1', '--fingerprint', 'nope'], /--fingerprint: fingerprint must be a SHA-256/],
      [['init', '--url', 'pve1', '--role', 'admin'], /Allowed choices are readonly, operator/],
      [['init', '--url', 'pve1', '--token-secret', 'x'], /unknown option '--token-secret'/],
      [['init', '--url', 'pve1', '--secret', 'x'], /unknown option '--secret'/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('--fetch-fingerprint pins the certificate the server presents; `check` then passes', async () => {
    const dir = tmp();
    const file = path.join(dir, 'clusters.json');
    const r = await runCli(
      [
        'init',
        '--url',
        sim.url,
        '--name',
        'lab',
        '--user',
        'root@pam',
        '--secret-env',
        'LAB_SECRET',
        '--fetch-fingerprint',
        '-o',
        file,
      ],
      { env: homeEnv(dir) },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`SHA-256  ${sim.fingerprint}`);
    expect(r.stdout).toContain('Not trusted by this system (DEPTH_ZERO_SELF_SIGNED_CERT)');
    expect(r.stdout).toContain('Compare the fingerprint with PVE GUI');
    const cfg = JSON.parse(readFileSync(file, 'utf8')) as { clusters: { lab: Record<string, unknown> } };
    expect(cfg.clusters.lab.fingerprint).toBe(sim.fingerprint);
    // Nothing but a handshake: no HTTP request reached the node.
    expect(sim.requests.filter((q) => q.path.startsWith('/api2')).length).toBe(0);

    const check = await runCli(['check', '--config', file], { env: { LAB_SECRET: DEMO_TOKEN_SECRET } });
    expect(check.code, check.stdout).toBe(0);
    expect(check.stdout).toMatch(/=> lab is usable/);
  });

  it('explains a port other than 8006 instead of claiming the API listens on 8006 (issue 13)', async () => {
    const r = await runCli(['init', '--stdout', '--yes', '--url', 'pve1.example.com:8443'], {
      env: homeEnv(tmp()),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('https://pve1.example.com:8443: any node of the cluster; port 8443');
    expect(r.stderr).not.toContain('the API listens on 8006');
    const std = await runCli(['init', '--stdout', '--yes', '--url', 'pve1.example.com'], {
      env: homeEnv(tmp()),
    });
    expect(std.stderr).toContain(
      "https://pve1.example.com:8006: any node of the cluster; the API's standard port 8006",
    );
  });

  it('--fetch-fingerprint against a closed port: exit 1 with what to do instead', async () => {
    const r = await runCli(['init', '--stdout', '--url', '127.0.0.1:1', '--fetch-fingerprint'], {
      env: homeEnv(tmp()),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read the certificate of https:\/\/127\.0\.0\.1:1: ECONNREFUSED/);
    expect(r.stderr).not.toMatch(/ECONNREFUSED.*ECONNREFUSED/); // said once (issue 13, item 10)
    expect(r.stderr).toContain('give --fingerprint');
  });
});

const hasScript = spawnSync('script', ['--version']).status === 0;

/** Runs `init` on a pseudo-terminal (util-linux `script`), typing `answers` one line at a time. */
function runOnTerminal(args: string[], answers: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const command = [process.execPath, binPath, ...args]
      .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
      .join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', TERM: 'dumb', ...env },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    // Type each answer once its question is on screen, as a person would.
    let next = 0;
    const timer = setInterval(() => {
      // eslint-disable-next-line no-control-regex
      if (next < answers.length && /[:?\]] $/.test(output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, ''))) {
        child.stdin.write(`${answers[next++]}\r`);
      }
    }, 50);
    const kill = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`init on a terminal did not finish:\n${output}`));
    }, 15_000);
    child.on('close', (code) => {
      clearInterval(timer);
      clearTimeout(kill);
      resolve({ code, output });
    });
  });
}

describe.skipIf(!hasScript)(
  `proxmox-mcp init on a terminal (pseudo-TTY through \`script\`)${hasScript ? '' : ' (skipped: util-linux script(1) is not installed)'}`,
  () => {
    it('asks for what no flag gave, with defaults, fetches and pins the fingerprint on "yes"', async () => {
      const dir = tmp();
      const file = path.join(dir, 'out.json');
      const r = await runOnTerminal(
        ['init', '-o', file],
        // An empty URL and a user without realm are asked again, with the reason.
        ['', sim.url, 'lab', 'root', 'root@pam', '', '', 'LAB_SECRET', '', '', 'operator'],
        homeEnv(dir),
      );
      expect(r.code, r.output).toBe(0);
      expect(r.output).toContain('url is empty; expected host, host:port or https://host:port');
      expect(r.output).toContain('Name for this cluster [pve]');
      expect(r.output).toContain('user must be user@realm');
      expect(r.output).toContain('Token id (the part after "root@pam!") [mcp]');
      expect(r.output).toContain(`SHA-256  ${sim.fingerprint}`);
      expect(r.output).toMatch(/Pin this certificate \(recommended\)\? \[Y\/n\]/);
      const cfg = JSON.parse(readFileSync(file, 'utf8')) as { clusters: { lab: Record<string, unknown> } };
      expect(cfg.clusters.lab).toEqual({
        url: sim.url,
        user: 'root@pam',
        token_id: 'mcp',
        token_secret: '${LAB_SECRET}',
        fingerprint: sim.fingerprint,
        read_only: false,
      });
      expect(modeOf(file)).toBe('600');
    });

    it('keeps every answer when the fingerprint cannot be read: writes the file unpinned and says how to pin (issue 13)', async () => {
      const dir = tmp();
      const file = path.join(dir, 'out.json');
      const r = await runOnTerminal(
        ['init', '-o', file],
        ['127.0.0.1:1', 'lab', 'root@pam', '', '', 'LAB_SECRET', '', '', ''],
        homeEnv(dir),
      );
      expect(r.code, r.output).toBe(0);
      expect(r.output).toMatch(/cannot read the certificate of https:\/\/127\.0\.0\.1:1: ECONNREFUSED/);
      expect(r.output).toContain('Write the file without a pinned fingerprint? [Y/n]');
      expect(r.output).toContain('"fingerprint" line it prints');
      const cfg = JSON.parse(readFileSync(file, 'utf8')) as { clusters: { lab: Record<string, unknown> } };
      expect(cfg.clusters.lab).toEqual({
        url: 'https://127.0.0.1:1',
        user: 'root@pam',
        token_id: 'mcp',
        token_secret: '${LAB_SECRET}',
        read_only: true,
      });
    });

    it('flags still win on a terminal, and --yes asks nothing', async () => {
      const dir = tmp();
      const r = await runOnTerminal(
        ['init', '--url', 'pve9.example.com', '--yes', '--stdout'],
        [],
        homeEnv(dir),
      );
      expect(r.code, r.output).toBe(0);
      expect(r.output).not.toMatch(/URL: |\[mcp@pve\]/);
      expect(r.output).toContain('"url": "https://pve9.example.com:8006"');
    });
  },
);
