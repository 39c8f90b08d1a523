import os from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError } from './config/errors.js';
import { loadConfig } from './config/load.js';
import type { LoadedConfig } from './config/types.js';
import { buildRuntime, type RuntimeOptions } from './runtime.js';
import { SecretRedactor } from './redact.js';
import { createServer } from './server.js';
import { allTools } from './tools/index.js';
import { serveStdio } from './transports/stdio.js';
import { renderToolsDoc } from './commands/tools-doc.js';
import type { LogLevel } from './logger.js';
import { VERSION } from './version.js';
import { defaultCacheDir } from './schema/index.js';
import type { InitFlags } from './init/index.js';

/**
 * The only module that touches `process`: argv, env, exit codes, stdio. Exit codes: 0 ok, 2 usage,
 * 78 configuration (EX_CONFIG), 1 anything else.
 */
const EXIT_USAGE = 2;
const EXIT_CONFIG = 78;

const env = process.env;
const stderr = (s: string) => void process.stderr.write(s);

interface CommonOptions {
  config?: string;
  readOnly?: boolean;
  tools?: string;
}

function readOnlySource(opts: CommonOptions): string | undefined {
  if (opts.readOnly) return '--read-only';
  if (/^(1|true|yes|on)$/i.test(env.PROXMOX_MCP_READ_ONLY ?? ''))
    return `PROXMOX_MCP_READ_ONLY=${env.PROXMOX_MCP_READ_ONLY}`;
  return undefined;
}

function enabledTools(opts: CommonOptions): string[] | undefined {
  const raw = opts.tools ?? env.PROXMOX_MCP_TOOLS;
  if (!raw?.trim()) return undefined;
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const valid = allTools.map((t) => t.name);
  const unknown = names.filter((n) => !valid.includes(n));
  if (unknown.length) {
    throw new UsageError(
      `unknown tool${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} in ${opts.tools ? '--tools' : 'PROXMOX_MCP_TOOLS'}; valid tools: ${valid.join(', ')}`,
    );
  }
  return names;
}

class UsageError extends Error {}

/** Runtime settings every serving command shares: flags and environment resolved in one place. */
function runtimeOptions(opts: CommonOptions, extraSecrets: string[] = []): RuntimeOptions {
  return {
    readOnlySource: readOnlySource(opts),
    logLevel: (env.LOG_LEVEL as LogLevel | undefined) ?? 'info',
    logFormat: env.LOG_FORMAT === 'json' ? 'json' : 'text',
    writeLog: stderr,
    schemaCacheDir: env.PROXMOX_MCP_CACHE_DIR || defaultCacheDir(env, os.homedir()),
    extraSecrets,
  };
}

async function runStdioServer(
  loaded: LoadedConfig,
  opts: CommonOptions,
  onClose?: () => Promise<void>,
): Promise<void> {
  const tools = enabledTools(opts);
  const runtime = buildRuntime(loaded, runtimeOptions(opts));
  const server = createServer({
    registry: runtime.registry,
    logger: runtime.logger,
    redact: runtime.redactor.redact,
    enabledTools: tools,
  });
  runtime.logger.info(`serving ${runtime.registry.names.length} cluster(s) over stdio`, {
    config: loaded.source,
    default: runtime.registry.defaultCluster,
  });
  await serveStdio(server, process.stdin, process.stdout);
  await runtime.registry.close();
  await onClose?.();
  // Close promptly when the client goes away, even if a socket or timer lingers.
  process.exit(0);
}

interface HttpCommandOptions extends CommonOptions {
  host?: string;
  port?: number;
  stateless?: boolean;
  /** commander's `--no-auth`: false when given. */
  auth?: boolean;
}

/** `sse`: the HTTP stack is imported here and only here, so the stdio path never loads it. */
/** Clusters handed in by `demo --http` instead of read from the configuration. */
interface PreloadedClusters {
  config: LoadedConfig;
  close: () => Promise<void>;
}

async function runHttpServer(opts: HttpCommandOptions, preloaded?: PreloadedClusters): Promise<void> {
  const http = await import('./transports/http/index.js');
  // Settings first: an unsafe bind is refused before any config or secret is read.
  const settings = http.resolveHttpSettings(
    { host: opts.host, port: opts.port, stateless: opts.stateless, noAuth: opts.auth === false },
    env,
  );
  const tools = enabledTools(opts);
  const loaded =
    preloaded?.config ??
    (await loadConfig({
      configFlag: opts.config,
      env,
      cwd: process.cwd(),
      homedir: os.homedir(),
    }));
  const runtime = buildRuntime(loaded, runtimeOptions(opts, settings.authToken ? [settings.authToken] : []));
  const deps = {
    registry: runtime.registry,
    logger: runtime.logger,
    redact: runtime.redactor.redact,
    enabledTools: tools,
  };
  runtime.logger.info(`serving ${runtime.registry.names.length} cluster(s) over HTTP`, {
    config: loaded.source,
    default: runtime.registry.defaultCluster,
  });
  const handle = await http
    .startHttpServer({
      settings,
      logger: runtime.logger,
      createServer: () => createServer(deps),
      version: VERSION,
    })
    .catch((err: unknown) => {
      if (!(err instanceof http.ListenError)) throw err;
      stderr(`proxmox-mcp: ${err.message}\n`);
      process.exit(1);
    });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  runtime.logger.info(`${signal}: shutting down (send it again to stop at once)`);
  const force = () => process.exit(1);
  process.once('SIGTERM', force);
  process.once('SIGINT', force);
  await handle.close();
  await runtime.registry.close();
  await preloaded?.close();
  process.exit(0);
}

interface CheckCommandOptions {
  config?: string;
  cluster?: string[];
  json?: boolean;
  timeout?: number;
  readOnly?: boolean;
}

/** `check`: exit 0 when every checked cluster is usable, 1 when not; config errors stay 78. */
async function runCheck(opts: CheckCommandOptions): Promise<void> {
  const doctor = await import('./doctor/index.js');
  const loaded = await loadConfig({
    configFlag: opts.config,
    env,
    cwd: process.cwd(),
    homedir: os.homedir(),
  });
  const names = loaded.clusters.map((c) => c.name);
  const unknown = (opts.cluster ?? []).filter((n) => !names.includes(n));
  if (unknown.length) {
    throw new UsageError(
      `unknown cluster ${unknown.join(', ')} in --cluster; configured: ${names.join(', ')}`,
    );
  }
  const readOnly = readOnlySource(opts);
  const config = readOnly
    ? {
        ...loaded,
        clusters: loaded.clusters.map((c) => ({ ...c, readOnly: true, readOnlySource: readOnly })),
      }
    : loaded;
  const report = await doctor.runDoctor({
    config,
    origin: doctor.configOrigin(loaded, env),
    clusters: opts.cluster,
    budgetMs: (opts.timeout ?? doctor.DEFAULT_BUDGET_MS / 1000) * 1000,
  });
  const color = !!process.stdout.isTTY && !env.NO_COLOR && env.TERM !== 'dumb';
  // A server may echo the Authorization header back in an error; people paste this output into bug
  // reports, so it passes the same redactor as every tool result.
  const redactor = new SecretRedactor();
  for (const c of loaded.clusters) redactor.add(c.tokenSecret);
  const text = redactor.redact(
    opts.json ? JSON.stringify(report, null, 2) + '\n' : doctor.renderReport(report, { color }),
  );
  process.stdout.write(text, () => process.exit(report.usable ? 0 : 1));
}

/** `init`: usage errors exit 2, refusals (file exists, certificate unreadable) 1, Ctrl-C 130. */
async function runInitCommand(flags: InitFlags): Promise<void> {
  const init = await import('./init/index.js');
  try {
    await init.runInit(flags, {
      env,
      cwd: process.cwd(),
      homedir: os.homedir(),
      stdin: process.stdin,
      stdinIsTTY: !!process.stdin.isTTY,
      promptOutput: process.stderr,
      stdout: (s) => void process.stdout.write(s),
      stderr,
    });
  } catch (err) {
    if (err instanceof init.InitUsageError) throw new UsageError(err.message);
    if (err instanceof init.InitError || err instanceof init.PromptAbortedError) {
      stderr(`proxmox-mcp init: ${err.message}\n`);
      process.exit(err instanceof init.PromptAbortedError && err.signal ? 130 : 1);
    }
    throw err;
  }
  // stdin may hold a readline handle open; the work is done.
  process.exit(0);
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n < 0.1 || n > 600)
    throw new InvalidArgumentError('expected seconds from 0.1 to 600.');
  return n;
}

function collectNames(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535)
    throw new InvalidArgumentError('expected a port number from 0 to 65535 (0 picks a free port).');
  return Number(value);
}

function addCommonOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-c, --config <file>', 'clusters.json to use (default: search, see README)'))
    .addOption(
      new Option('--read-only', 'send only GET requests to every cluster (env PROXMOX_MCP_READ_ONLY=1)'),
    )
    .addOption(
      new Option('--tools <names>', 'expose only these tools, comma-separated (env PROXMOX_MCP_TOOLS)'),
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
      .description('serve MCP over stdin/stdout (the default; what MCP clients launch)'),
  ).action(async (opts: CommonOptions) => {
    const loaded = await loadConfig({
      configFlag: opts.config,
      env,
      cwd: process.cwd(),
      homedir: os.homedir(),
    });
    await runStdioServer(loaded, opts);
  });

  addCommonOptions(
    program
      .command('demo')
      .description(
        'serve MCP against two built-in simulated clusters (no Proxmox needed): over stdio, or with --http as the sse server does',
      )
      .option('--http', 'serve Streamable HTTP (/mcp) and SSE (/sse) instead of stdio, like `sse`')
      .addOption(new Option('--host <address>', 'with --http: address to bind (env MCP_HOST)'))
      .addOption(new Option('--port <number>', 'with --http: port (env MCP_PORT)').argParser(parsePort)),
  ).action(async (opts: HttpCommandOptions & { http?: boolean }) => {
    const { startDemoClusters } = await import('./commands/demo.js');
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
          'allow a non-loopback --host without MCP_AUTH_TOKEN (only behind an authenticating proxy)',
        ),
      ),
  ).action((opts: HttpCommandOptions) => runHttpServer(opts));

  program
    .command('check')
    .description('diagnose each configured cluster: DNS, TCP, TLS, token, privileges, API schema')
    .addOption(new Option('-c, --config <file>', 'clusters.json to use (default: search, see README)'))
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
    .action((opts: { json?: boolean; markdown?: boolean }) => {
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
  MCP_AUTH_TOKEN=$(openssl rand -hex 32) proxmox-mcp sse --host 0.0.0.0
                                        HTTP server for remote clients at http://HOST:8000/mcp

Exit codes: 0 ok, 1 check found an unusable cluster (or other failure), 2 usage error,
78 configuration error.
Docs: https://www.npmjs.com/package/proxmox-mcp`,
  );
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version print and exit 0; everything else commander raises is a usage error.
      process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE);
    }
    if (err instanceof ConfigError) {
      stderr(`proxmox-mcp: configuration error: ${err.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    if (err instanceof UsageError) {
      stderr(`proxmox-mcp: ${err.message}\n`);
      process.exit(EXIT_USAGE);
    }
    stderr(`proxmox-mcp: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  }
}

void main();
