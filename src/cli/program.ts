import { Command, CommanderError, Option } from 'commander';
import { renderToolsDoc } from '../commands/tools-doc.js';
import { VERSION } from '../version.js';
import { DOCS_URL } from './package-info.js';
import { unknownCommandMessage } from './unknown-command.js';
import type { InitFlags } from '../init/index.js';
import { runCheck, runInitCommand, type CheckCommandOptions } from './diagnose.js';
import { runHttpServer, runStdioCommand, runStdioServer, type HttpCommandOptions } from './serve.js';
import { collectNames, parsePort, parseSeconds } from './option-parsers.js';
import { stderr, UsageError, type CommonOptions } from './shared.js';

/**
 * The commands and their options (commander). src/cli.ts loads this for any command line but the bare
 * `proxmox-mcp` MCP clients launch; the command bodies live beside it in src/cli/.
 */

function addCommonOptions(cmd: Command): Command {
  return addServingOptions(
    cmd.addOption(new Option('-c, --config <file>', 'clusters.json to use (default: search, see README)')),
  );
}

/** What `demo` shares with the other serving commands: it has its own clusters, so no --config. */
function addServingOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--read-only', 'send only GET requests to every cluster (env PROXMOX_MCP_READ_ONLY=1)'),
    )
    .addOption(
      new Option('--tools <names>', 'expose only these tools, comma-separated (env PROXMOX_MCP_TOOLS)'),
    )
    .addOption(confirmationOption());
}

/** What `confirm` rules do where the person cannot be asked (README, Safety). */
function confirmationOption(): Option {
  return new Option(
    '--confirmation <mode>',
    'confirm rules for clients without elicitation: client-approval (default) or strict (env PROXMOX_MCP_CONFIRMATION)',
  );
}

export function buildProgram(): Command {
  const program = new Command('proxmox-mcp')
    .description('MCP server for Proxmox VE: inspect and operate one or many clusters from an AI assistant.')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run proxmox-mcp --help for usage)')
    .configureOutput({ writeOut: (s) => void process.stdout.write(s), writeErr: stderr })
    .exitOverride();

  addCommonOptions(
    program
      .command('stdio', { isDefault: true })
      .description('serve MCP over stdin/stdout (the default; what MCP clients launch)')
      // `proxmox-mcp chek` lands here as an operand (stdio is the default command): caught below.
      .allowExcessArguments(),
  ).action(async (opts: CommonOptions, cmd: Command) => {
    const stray = cmd.args[0];
    if (stray !== undefined) throw new UsageError(unknownCommandMessage(stray, program));
    await runStdioCommand(opts);
  });

  addServingOptions(
    program
      .command('demo')
      .description(
        'serve MCP against two built-in simulated clusters (no Proxmox needed): over stdio, or with --http as the sse server does',
      )
      .option('--http', 'serve Streamable HTTP (/mcp) and SSE (/sse) instead of stdio, like `sse`')
      .addOption(new Option('--host <address>', 'with --http: address to bind (env MCP_HOST)'))
      .addOption(new Option('--port <number>', 'with --http: port (env MCP_PORT)').argParser(parsePort)),
  ).action(async (opts: HttpCommandOptions & { http?: boolean }) => {
    const { startDemoClusters } = await import('../commands/demo.js');
    const demo = await startDemoClusters();
    if (opts.http) await runHttpServer(opts, demo);
    else await runStdioServer(demo.config, opts, demo.close);
  });

  addCommonOptions(
    program
      .command('sse')
      .alias('http')
      .description(
        'serve MCP over HTTP: Streamable HTTP at /mcp, legacy SSE at /sse, /healthz (for containers)',
      )
      .addOption(new Option('--host <address>', 'address to listen on (env MCP_HOST; default 127.0.0.1)'))
      .addOption(
        new Option('--port <number>', 'port (env MCP_PORT; default 8000; 0 picks a free one)').argParser(
          parsePort,
        ),
      )
      .addOption(
        new Option('--stateless', 'no sessions: any replica can answer any request (env MCP_STATELESS=1)'),
      )
      .addOption(
        new Option(
          '--no-auth',
          'allow a non-loopback --host without MCP_AUTH_TOKEN or MCP_OAUTH_ISSUER (only behind an authenticating proxy)',
        ),
      )
      .addOption(
        new Option(
          '--metrics-port <number>',
          'serve Prometheus /metrics on this port, no auth (env MCP_METRICS_PORT, host MCP_METRICS_HOST; default off)',
        ).argParser(parsePort),
      ),
  ).action((opts: HttpCommandOptions) => runHttpServer(opts));

  program
    .command('check')
    .description('diagnose each configured cluster: DNS, TCP, TLS, token, privileges, API schema')
    .addOption(new Option('-c, --config <file>', 'clusters.json to use (default: search, see README)'))
    .addOption(
      new Option(
        '--demo',
        "check demo's built-in simulated clusters: what a healthy report looks like",
      ).conflicts('config'),
    )
    .addOption(
      new Option('--cluster <name>', 'check only this cluster (repeatable, or comma-separated)').argParser(
        collectNames,
      ),
    )
    .addOption(new Option('--json', 'print the report as JSON'))
    .addOption(
      new Option('--timeout <seconds>', 'time limit per cluster (default 10)').argParser(parseSeconds),
    )
    .addOption(new Option('--read-only', 'judge privileges for read-only use (env PROXMOX_MCP_READ_ONLY=1)'))
    .addOption(confirmationOption())
    .action((opts: CheckCommandOptions) => runCheck(opts));

  program
    .command('init')
    .description('write a starter clusters.json, then print the pveum and MCP client setup steps')
    .addOption(new Option('--url <url>', 'a node of the cluster: host, host:port or https://host:port'))
    .addOption(new Option('--name <name>', 'cluster name in the file (default: first label of the host)'))
    .addOption(new Option('--user <user@realm>', 'user owning the API token (default mcp@pve)'))
    .addOption(new Option('--token-id <id>', 'token name, the part after "!" (default mcp)'))
    .addOption(
      new Option(
        '--secret-env <VAR>',
        'read the secret from this environment variable (default NAME_TOKEN_SECRET)',
      ).conflicts('secretFile'),
    )
    .addOption(new Option('--secret-file <path>', 'read the secret from this file (e.g. a Docker secret)'))
    .addOption(new Option('--fingerprint <sha256>', "pin the node certificate's SHA-256 fingerprint"))
    .addOption(new Option('--fetch-fingerprint', 'read the fingerprint from the server now and pin it'))
    .addOption(new Option('--insecure', 'do not verify the certificate at all (verify_ssl: false)'))
    .addOption(
      new Option('--role <role>', 'what the token may do; sets the printed pveum commands').choices([
        'readonly',
        'operator',
      ]),
    )
    .addOption(new Option('--read-only', 'set read_only in the file (the default for --role readonly)'))
    .addOption(
      new Option('-o, --output <file>', 'where to write (default ~/.config/proxmox-mcp/clusters.json)'),
    )
    .addOption(
      new Option('--stdout', 'print the file instead of writing it (the steps go to stderr)').conflicts(
        'output',
      ),
    )
    .addOption(new Option('--force', 'overwrite an existing file'))
    .addOption(new Option('-y, --yes', 'never prompt: defaults for everything not given'))
    .action((flags: InitFlags) => runInitCommand(flags));

  program
    .command('tools')
    .description('print the tool registry')
    .addOption(new Option('--json', 'as MCP tools/list JSON').conflicts('markdown'))
    .addOption(new Option('--markdown', 'as a Markdown table (the README uses it)'))
    .action(async (opts: { json?: boolean; markdown?: boolean }) => {
      // The full definitions (zod shapes): the server's start-up loads only stand-ins for them.
      const { allTools } = await import('../tools/index.js');
      process.stdout.write(
        renderToolsDoc(allTools, opts.json ? 'json' : opts.markdown ? 'markdown' : 'text'),
      );
    });

  program.addHelpText(
    'after',
    `
Examples:
  proxmox-mcp demo                      try it against a simulated cluster
  proxmox-mcp                           stdio server; clusters from ./clusters.json or ~/.config/proxmox-mcp/
  proxmox-mcp -c /etc/pmcp/clusters.json --read-only
  PROXMOX_URL=pve1:8006 PROXMOX_TOKEN='mcp@pve!mcp=<secret>' proxmox-mcp
  proxmox-mcp tools --markdown          list the tools
  proxmox-mcp init --url pve1:8006 --fetch-fingerprint
                                        write ~/.config/proxmox-mcp/clusters.json
  proxmox-mcp check                     diagnose every configured cluster
  proxmox-mcp check --demo              the same against the demo clusters: a healthy report
  MCP_AUTH_TOKEN=$(openssl rand -hex 32) proxmox-mcp sse --host 0.0.0.0
                                        HTTP server for remote clients at http://HOST:8000/mcp

\`proxmox-mcp\` with no command runs \`stdio\`; its options (-c/--config, --read-only, --tools) are
listed by \`proxmox-mcp stdio --help\`, and every command has its own --help.

Exit codes: 0 ok, 1 check found an unusable cluster (or other failure), 2 usage error,
78 configuration error.
Docs: ${DOCS_URL}`,
  );
  return program;
}

/** Help, version and usage errors commander raised (exitOverride): src/cli.ts turns them into exit codes. */
export function isCommanderError(err: unknown): err is CommanderError {
  return err instanceof CommanderError;
}
