import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';
import { setMetricsSink } from './events.js';
import { createPrometheusSink, type PrometheusSinkOptions } from './prometheus-sink.js';
import type { MetricsSettings } from './settings.js';

export interface MetricsServerHandle {
  /** e.g. http://127.0.0.1:9464 (the endpoint is `${url}/metrics`). */
  url: string;
  close(): Promise<void>;
}

export class MetricsListenError extends Error {
  constructor(settings: MetricsSettings, cause: NodeJS.ErrnoException) {
    super(
      `cannot serve metrics on ${settings.host}:${settings.port}: ${cause.code ?? cause.message}` +
        (cause.code === 'EADDRINUSE'
          ? ' (the port is in use; choose another with --metrics-port or MCP_METRICS_PORT)'
          : ''),
    );
    this.name = 'MetricsListenError';
  }
}

/**
 * Installs the Prometheus sink (events.ts stops being a no-op) and serves `GET /metrics` on a listener
 * of its own, without auth: it is meant for the scraper inside the cluster (settings.ts says why).
 * Nothing else is served there: 404 for other paths, 405 for other methods. Loaded only by `sse` with a
 * metrics port, through a dynamic import, so prom-client never loads otherwise.
 */
export async function startMetricsServer(
  settings: MetricsSettings,
  opts: PrometheusSinkOptions & { logger: Logger },
): Promise<MetricsServerHandle> {
  const { sink, registry } = createPrometheusSink(opts);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') return plain(res, 404, 'not found: only /metrics is served here\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return plain(res, 405, 'method not allowed: GET /metrics\n');
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        opts.logger.error('metrics collection failed', { error: String(err) });
        plain(res, 500, 'metrics collection failed\n');
      },
    );
  });
  // A scraper holding a keep-alive connection must not delay shutdown.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new MetricsListenError(settings, err)));
    server.listen(settings.port, settings.host, () => resolve());
  });
  server.on('error', (err) => opts.logger.error('metrics server error', { error: err.message }));
  setMetricsSink(sink);
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  opts.logger.info(`metrics served at ${url}/metrics (Prometheus text format, no auth)`);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        setMetricsSink(undefined);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function plain(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
