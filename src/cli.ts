import os from 'node:os';
import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from './config/errors.js';
import { loadConfig } from './config/load.js';
import type { LoadedConfig } from './config/types.js';
import { buildRuntime } from './runtime.js';
import { createServer } from './server.js';
import { allTools } from './tools/index.js';
import { serveStdio } from './transports/stdio.js';
import { renderToolsDoc } from './commands/tools-doc.js';
import type { LogLevel } from './logger.js';
import { VERSION } from './version.js';

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

async function runStdioServer(
  loaded: LoadedConfig,
  opts: CommonOptions,
  onClose?: () => Promise<void>,
): Promise<void> {
  const tools = enabledTools(opts);
  const runtime = buildRuntime(loaded, {
    readOnlySource: readOnlySource(opts),
    logLevel: (env.LOG_LEVEL as LogLevel | undefined) ?? 'info',
    logFormat: env.LOG_FORMAT === 'json' ? 'json' : 'text',
    writeLog: stderr,
  });
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
      .description('serve MCP over stdio against two built-in simulated clusters (no Proxmox needed)'),
  ).action(async (opts: CommonOptions) => {
    const { startDemoClusters } = await import('./commands/demo.js');
    const demo = await startDemoClusters();
    await runStdioServer(demo.config, opts, demo.close);
  });

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

Exit codes: 0 ok, 2 usage error, 78 configuration error.
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
