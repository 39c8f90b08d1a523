import { ConfigError } from './config/errors.js';
import { runStdioCommand } from './cli/serve.js';
import { EXIT_CONFIG, EXIT_USAGE, stderr, UsageError } from './cli/shared.js';

/**
 * The entry point: argv to commands, errors to exit codes (0 ok, 1 failure, 2 usage, 78 configuration
 * (EX_CONFIG)). The commands are in src/cli/program.ts (commander), their bodies in src/cli/; only this
 * layer touches \`process\`.
 */

async function main(): Promise<void> {
  let program: typeof import('./cli/program.js') | undefined;
  try {
    // MCP clients start the server with no arguments: that is `stdio` with every option at its default
    // (what commander would hand its action), without loading commander and the other commands.
    if (process.argv.length <= 2) await runStdioCommand({});
    else {
      program = await import('./cli/program.js');
      await program.buildProgram().parseAsync(process.argv);
    }
  } catch (err) {
    if (program?.isCommanderError(err)) {
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
