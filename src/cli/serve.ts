import { checkAccessForOAuth } from '../config/access.js';
import { loadConfig } from '../config/load.js';
import type { LoadedConfig } from '../config/types.js';
import { buildRuntime } from '../runtime.js';
import { createServer } from '../server.js';
import { serveStdio } from '../transports/stdio.js';
import { VERSION } from '../version.js';
import { describeConfirmation } from '../safety/confirm-unavailable.js';
import { warnUnusableOverStdio } from '../proxmox/personal-token.js';
import type { Runtime } from '../runtime.js';
import type { MetricsSettings } from '../metrics/settings.js';
import type { MetricsServerHandle } from '../metrics/listener.js';
import { toolCatalog } from '../tools/catalog.js';
import {
  configSearch,
  enabledTools,
  env,
  runtimeOptions,
  stderr,
  withConfirmation,
  type CommonOptions,
} from './shared.js';

// The serving commands: stdio (default, and \`demo\`) and HTTP (\`sse\`, and \`demo --http\`).

/** \`stdio\`, the default command: the configuration the options point to, served over stdin/stdout. */
export async function runStdioCommand(opts: CommonOptions): Promise<void> {
  await runStdioServer(await loadConfig(configSearch(opts)), opts);
}

export async function runStdioServer(
  loaded: LoadedConfig,
  opts: CommonOptions,
  onClose?: () => Promise<void>,
): Promise<void> {
  const tools = enabledTools(opts);
  const runtime = buildRuntime(withConfirmation(loaded, opts), runtimeOptions(opts));
  const server = createServer({
    registry: runtime.registry,
    logger: runtime.logger,
    redact: runtime.redactor.redact,
    enabledTools: tools,
    warmUp: true,
  });
  runtime.logger.info(`serving ${runtime.registry.names.length} cluster(s) over stdio`, {
    config: loaded.source,
    default: runtime.registry.defaultCluster,
  });
  announceConfirmation(runtime, false);
  warnUnusableOverStdio(runtime.config.clusters, runtime.logger);
  // Malformed input is answered on stdout (JSON-RPC) and noted on stderr, without the input itself.
  await serveStdio(server, process.stdin, process.stdout, { onProblem: (m) => runtime.logger.warn(m) });
  await runtime.registry.close();
  await onClose?.();
  // Close promptly when the client goes away, even if a socket or timer lingers.
  process.exit(0);
}

export interface HttpCommandOptions extends CommonOptions {
  host?: string;
  port?: number;
  stateless?: boolean;
  /** commander's `--no-auth`: false when given. */
  auth?: boolean;
  /** --metrics-port: serve /metrics on this port (src/metrics/). */
  metricsPort?: number;
}

/** Clusters handed in by `demo --http` instead of read from the configuration. */
export interface PreloadedClusters {
  config: LoadedConfig;
  close: () => Promise<void>;
}

/** `sse`: the HTTP stack is imported here and only here, so the stdio path never loads it. */
export async function runHttpServer(opts: HttpCommandOptions, preloaded?: PreloadedClusters): Promise<void> {
  const http = await import('../transports/http/index.js');
  // Settings first: an unsafe bind is refused before any config or secret is read.
  const settings = http.resolveHttpSettings(
    { host: opts.host, port: opts.port, stateless: opts.stateless, noAuth: opts.auth === false },
    env,
  );
  const metricsSettings = (await import('../metrics/settings.js')).resolveMetricsSettings(
    opts,
    env,
    settings.host,
  );
  const tools = enabledTools(opts);
  const loaded = preloaded?.config ?? (await loadConfig(configSearch(opts)));
  // Signed-in people get the roles clusters.json gives them: none given anywhere is refused here.
  const noAccess = settings.oauth ? checkAccessForOAuth(loaded) : [];
  const runtime = buildRuntime(
    withConfirmation(loaded, opts),
    // Secrets the HTTP layer holds are redacted from every log line like the PVE token secrets.
    runtimeOptions(
      opts,
      [settings.authToken, settings.oauth?.clientSecret].filter((s): s is string => Boolean(s)),
    ),
  );
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
  announceConfirmation(runtime, settings.stateless);
  for (const line of noAccess) runtime.logger.warn(line);
  // Before the MCP listener, so no session or call goes uncounted; prom-client loads only here.
  const metricsServer = metricsSettings && (await startMetrics(metricsSettings, runtime));
  const handle = await http
    .startHttpServer({
      settings,
      logger: runtime.logger,
      createServer: (mode) => createServer({ ...deps, stateless: mode.stateless }),
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
  await metricsServer?.close();
  await runtime.registry.close();
  await preloaded?.close();
  process.exit(0);
}

async function startMetrics(settings: MetricsSettings, runtime: Runtime): Promise<MetricsServerHandle> {
  const { startMetricsServer, MetricsListenError } = await import('../metrics/listener.js');
  return startMetricsServer(settings, {
    logger: runtime.logger,
    clusters: runtime.registry.names,
    tools: toolCatalog.map((t) => t.name),
  }).catch((err: unknown) => {
    if (!(err instanceof MetricsListenError)) throw err;
    stderr(`proxmox-mcp: ${err.message}\n`);
    process.exit(1);
  });
}

/** What `confirm` rules do when nobody can be asked, said once at start-up (per cluster if they differ). */
function announceConfirmation(runtime: Runtime, stateless: boolean): void {
  const writable = runtime.registry.all.filter((h) => !h.config.readOnly);
  const lines = new Map<string, string[]>();
  for (const h of writable) {
    const line = describeConfirmation(h.config.confirmation, stateless);
    lines.set(line, [...(lines.get(line) ?? []), h.name]);
  }
  for (const [line, names] of lines)
    runtime.logger.info(
      lines.size > 1 ? `${line} (cluster${names.length > 1 ? 's' : ''} ${names.join(', ')})` : line,
    );
}
