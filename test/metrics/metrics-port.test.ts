import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { resolveMetricsSettings } from '../../src/metrics/settings.js';
import { startSimulator } from '../../src/simulator/testing/index.js';
import { assertBuilt, envFor, runCli } from '../helpers/cli.js';
import { scrape, sumOf } from '../helpers/prometheus.js';
import { TOKEN, spawnSse } from '../http/helpers.js';
import { SESSIONS } from './helpers.js';

/**
 * The metrics port: off unless one is given (settings), and the built binary listening on a second
 * port only with --metrics-port.
 */

describe('settings: off unless a port is given', () => {
  it("no port, no listener; the host defaults to the MCP listener's; a bad port is a configuration error", () => {
    expect(resolveMetricsSettings({}, {}, '0.0.0.0')).toBeUndefined();
    expect(resolveMetricsSettings({}, { MCP_METRICS_HOST: '10.0.0.1' }, '0.0.0.0')).toBeUndefined();
    expect(resolveMetricsSettings({}, { MCP_METRICS_PORT: '9464' }, '0.0.0.0')).toEqual({
      host: '0.0.0.0',
      port: 9464,
    });
    expect(
      resolveMetricsSettings(
        { metricsPort: 9100 },
        { MCP_METRICS_PORT: '9464', MCP_METRICS_HOST: '10.0.0.1' },
        'x',
      ),
    ).toEqual({ host: '10.0.0.1', port: 9100 });
    for (const bad of ['abc', '70000', '-1', '9464x'])
      expect(() => resolveMetricsSettings({}, { MCP_METRICS_PORT: bad }, 'h'), bad).toThrow(ConfigError);
  });
});

/** The TCP ports process `pid` listens on (Linux: its socket inodes matched against /proc/net/tcp*). */
function listeningPorts(pid: number): number[] {
  const inodes = new Set(
    readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        return m ? [m[1]!] : [];
      } catch {
        return [];
      }
    }),
  );
  return ['tcp', 'tcp6'].flatMap((f) =>
    readFileSync(`/proc/${pid}/net/${f}`, 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c[3] === '0A' && inodes.has(c[9]!))
      .map((c) => parseInt(c[1]!.split(':')[1]!, 16)),
  );
}

describe.runIf(process.platform === 'linux')('the built binary', () => {
  it('listens on one port without a metrics port, and serves /metrics on a second one with --metrics-port', async () => {
    assertBuilt();
    const sim = await startSimulator({});
    try {
      const env = { ...envFor(sim), MCP_AUTH_TOKEN: TOKEN };
      const off = await spawnSse(['--port', '0'], env);
      try {
        expect(listeningPorts(off.child.pid!)).toEqual([Number(new URL(off.url).port)]);
        expect(off.stderr()).not.toMatch(/metrics/);
      } finally {
        off.child.kill('SIGTERM');
        await off.exit;
      }
      const on = await spawnSse(['--port', '0', '--metrics-port', '0'], env);
      try {
        const m = /metrics served at (http:\/\/\S+)\/metrics/.exec(on.stderr());
        expect(m, on.stderr()).not.toBeNull();
        const ports = listeningPorts(on.child.pid!).sort();
        expect(ports).toEqual([Number(new URL(on.url).port), Number(new URL(m![1]!).port)].sort());
        const samples = await scrape(m![1]!);
        expect(sumOf(samples, SESSIONS)).toBe(0);
      } finally {
        on.child.kill('SIGTERM');
        expect(await on.exit).toBe(0);
      }
      const bad = await runCli(['sse', '--port', '0'], { env: { ...env, MCP_METRICS_PORT: 'nine' } });
      expect(bad.code).toBe(78);
      expect(bad.stderr).toMatch(/MCP_METRICS_PORT/);
    } finally {
      await sim.close();
    }
  }, 30_000);
});
