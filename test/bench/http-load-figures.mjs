// HTTP: the built `proxmox-mcp sse` in its own process, 50 concurrent Streamable HTTP clients × 100
// tools/call each (driver: http-load.mjs, shared with test/http/load.test.ts); throughput, latency,
// errors, and the server's RSS at idle and under load.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cleanEnv } from './lib/env.mjs';
import { rssMiB, BIN } from './lib/stdio-session.mjs';
import { runHttpLoad } from './http-load.mjs';

/** The built `proxmox-mcp sse` on a free port; `sseArgs` go after it (replicas.mjs adds --stateless). */
export function startSse(cwd, token, nodeArgs = [], sseArgs = []) {
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'sse', '--port', '0', ...sseArgs], {
    cwd,
    env: cleanEnv({ MCP_AUTH_TOKEN: token }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      const m = /listening on (http:\/\/[^\s:]+:\d+)/.exec(err);
      if (m) resolve({ child, url: m[1] });
    });
    child.once('exit', (code) => reject(new Error(`sse exited ${code}: ${err}`)));
  });
}

export async function httpLoad({ cwd, clients = 50, calls = 100, nodeArgs = [] }) {
  const token = randomBytes(24).toString('hex');
  const { child, url } = await startSse(cwd, token, nodeArgs);
  try {
    const headers = { Authorization: `Bearer ${token}` };
    // Warm-up session: loads undici, opens the connection to the simulator.
    await runHttpLoad({ url, headers, clients: 2, calls: 5 });
    const idle = rssMiB(child.pid);
    let peak = idle;
    const r = await runHttpLoad({
      url,
      headers,
      clients,
      calls,
      check: (res) => (res.structuredContent?.nodes?.length ? undefined : 'no nodes in the result'),
      sample: () => (peak = Math.max(peak, rssMiB(child.pid))),
    });
    const after = rssMiB(child.pid);
    return [
      {
        figure: `HTTP ${clients} clients × ${calls} list_nodes`,
        value: `${r.callsPerSec.toFixed(0)} calls/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms`,
      },
      {
        figure: 'HTTP errors / wrong results',
        value: `${r.errors} / ${r.wrong}${r.failures.length ? ` (${r.failures[0]})` : ''}`,
        target: '0',
        met: r.errors === 0 && r.wrong === 0,
      },
      {
        figure: 'sse server RSS: idle / peak under load / after',
        value: `${idle.toFixed(1)} / ${peak.toFixed(1)} / ${after.toFixed(1)} MB`,
      },
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}
