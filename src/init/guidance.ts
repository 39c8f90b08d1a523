import { SNAPSHOT_ROLE, SNAPSHOT_ROLE_COMMAND } from '../doctor/requirements.js';
import type { ResolvedAnswers } from './build-config.js';

const SECRET_PLACEHOLDER = '<the token secret>';

export interface GuidanceOptions {
  /** Where the file was written; undefined with --stdout. */
  written?: string;
  /** `--config` must be passed (the file is not where the server looks by default). */
  configArg?: string;
}

/** The pveum commands that create exactly the token the file names, with least privilege. */
export function pveumCommands(a: ResolvedAnswers): string[] {
  const token = `${a.user}!${a.tokenId}`;
  // The same privileges `check` expects (doctor/requirements.ts), so a token made this way passes it.
  const roles: Array<[string, string]> = [['/', 'PVEAuditor']];
  if (a.role === 'operator') roles.push(['/vms', 'PVEVMUser'], ['/vms', SNAPSHOT_ROLE]);
  const roleAdd = a.role === 'operator' ? [SNAPSHOT_ROLE_COMMAND] : [];
  if (a.user === 'root@pam') {
    // Never a full-privilege root token: separate it and grant the token only what it needs.
    return [
      ...roleAdd,
      `pveum user token add root@pam ${a.tokenId} --privsep 1 --comment "MCP assistant"`,
      ...roles.map(([p, r]) => `pveum acl modify ${p} --tokens '${token}' --roles ${r}`),
    ];
  }
  return [
    `pveum user add ${a.user} --comment "MCP assistant"`,
    ...roleAdd,
    ...roles.map(([p, r]) => `pveum acl modify ${p} --users ${a.user} --roles ${r}`),
    `pveum user token add ${a.user} ${a.tokenId} --privsep 0`,
  ];
}

/** What a client's config must hold: the variable with the secret, unless it comes from a file. */
function clientEnv(a: ResolvedAnswers, value: string): { env?: Record<string, string> } {
  return a.secret.kind === 'env' ? { env: { [a.secret.variable]: value } } : {};
}

export function clientSnippets(a: ResolvedAnswers, configArg: string | undefined): string[] {
  const args = ['-y', 'proxmox-mcp', ...(configArg ? ['--config', configArg] : [])];
  const stdioServer = { command: 'npx', args, ...clientEnv(a, SECRET_PLACEHOLDER) };
  // Arrays of strings on one line, as people write them by hand.
  const json = (v: unknown) =>
    JSON.stringify(v, null, 2)
      .replace(
        /\[\s+("[^"\n]*"(?:,\s+"[^"\n]*")*)\s+\]/g,
        (_m, items: string) => `[${items.split(/,\s+/).join(', ')}]`,
      )
      .split('\n');
  const inputId = `${a.name}-token-secret`;
  const vscode = {
    servers: {
      proxmox: { type: 'stdio', ...stdioServer, ...clientEnv(a, `\${input:${inputId}}`) },
    },
    ...(a.secret.kind === 'env'
      ? {
          inputs: [
            {
              id: inputId,
              type: 'promptString',
              description: `Proxmox API token secret of ${a.user}!${a.tokenId}`,
              password: true,
            },
          ],
        }
      : {}),
  };
  const claudeEnv = a.secret.kind === 'env' ? ` --env ${a.secret.variable}='${SECRET_PLACEHOLDER}'` : '';
  const secret = a.secret;
  const fromEnv = secret.kind === 'env';
  return [
    ...(fromEnv
      ? [
          'Gemini CLI (~/.gemini/settings.json). Gemini CLI hides variables named like *TOKEN*, *SECRET* or *KEY*',
          "from MCP servers unless they are in the server's own env block, so the secret goes there:",
        ]
      : [
          `Gemini CLI (~/.gemini/settings.json); the secret comes from ${secret.kind === 'file' ? secret.path : ''}, so no env block is needed:`,
        ]),
    ...json({ mcpServers: { proxmox: stdioServer } }),
    '',
    'Claude Desktop (claude_desktop_config.json; Settings → Developer → Edit Config): the same mcpServers block.',
    '',
    'Claude Code:',
    `  claude mcp add proxmox --scope user${claudeEnv} -- npx ${args.join(' ')}`,
    '',
    fromEnv
      ? 'VS Code (.vscode/mcp.json; asks for the secret once and keeps it in its secret storage):'
      : 'VS Code (.vscode/mcp.json):',
    ...json(vscode),
  ];
}

export function renderGuidance(a: ResolvedAnswers, opts: GuidanceOptions): string {
  const lines: string[] = [];
  if (opts.written) lines.push(`Wrote ${opts.written} (readable by you only).`);
  lines.push(...explainFile(a), '');
  const roleText =
    a.role === 'operator'
      ? [
          'Role "operator": reads everything (PVEAuditor on /), starts and stops guests (PVEVMUser on /vms),',
          'takes snapshots (custom role MCPSnapshot on /vms):',
        ]
      : ['Role "readonly": sees everything, changes nothing (PVEAuditor on /):'];
  lines.push(
    '1. Create the token on a Proxmox VE node (shell as root).',
    ...roleText.map((l) => `   ${l}`),
    ...pveumCommands(a).map((c) => `     ${c}`),
    `   ${a.user === 'root@pam' ? 'The token command' : 'The last command'} prints the secret (a UUID) once: keep it.`,
  );
  lines.push('', '2. Make the secret available to proxmox-mcp:');
  if (a.secret.kind === 'env') {
    lines.push(
      `     export ${a.secret.variable}='${SECRET_PLACEHOLDER}'`,
      '   (for `proxmox-mcp check` in this shell; MCP clients get it from their config, step 4).',
    );
  } else {
    lines.push(`     (umask 077; printf '%s\\n' '${SECRET_PLACEHOLDER}' > ${shellQuote(a.secret.path)})`);
  }
  const configFlag = opts.configArg ? ` --config ${shellQuote(opts.configArg)}` : '';
  lines.push(
    '',
    "3. Check the connection, the certificate and the token's privileges:",
    `     proxmox-mcp check${configFlag}`,
    '   It names the fix for anything that fails (a self-signed certificate prints the fingerprint line to add).',
    '',
    '4. Add the server to your MCP client:',
    '',
    ...clientSnippets(a, opts.configArg).map((l) => (l ? `   ${l}` : l)),
    '',
  );
  return lines.join('\n');
}

/** JSON has no comments: what each key of the written file means, printed instead. */
export function explainFile(a: ResolvedAnswers): string[] {
  const tls =
    a.tls.kind === 'fingerprint'
      ? 'fingerprint   pins the node certificate (SHA-256); change it when the certificate is renewed'
      : a.tls.kind === 'insecure'
        ? 'verify_ssl    false: ANY certificate is accepted; pin it instead (proxmox-mcp check prints the line)'
        : "(no TLS key)  the certificate must be trusted by this system's CAs; for PVE's self-signed one,\n" +
          '              add the "fingerprint" line `proxmox-mcp check` prints';
  const secret =
    a.secret.kind === 'env'
      ? `token_secret  "\${${a.secret.variable}}": read from that environment variable, never stored in the file`
      : `token_secret_file  ${a.secret.path}: the file holding the secret (one line)`;
  return [
    `The file defines cluster "${a.name}" (the default, used when a tool names no cluster):`,
    `  url           ${a.url}: any node of the cluster; ${a.port === 8006 ? "the API's standard port 8006" : `port ${a.port} (PVE itself listens on 8006: a proxy or port forward?)`}`,
    `  user/token_id the API token ${a.user}!${a.tokenId}`,
    `  ${secret}`,
    `  ${tls.replace(/\n/g, '\n  ')}`,
    a.readOnly
      ? '  read_only     true: only GET requests are sent (set false, or init --role operator, to allow actions)'
      : '  read_only     false: actions (start, stop, snapshot) are allowed; clients ask before destructive ones',
    '  More clusters: add entries under "clusters" (see clusters.example.json in the package).',
  ];
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
