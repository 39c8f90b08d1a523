import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cleanEnv } from './env.mjs';

export const BIN = fileURLToPath(new URL('../../../bin/proxmox-mcp.js', import.meta.url));

/**
 * The built server over stdio, spoken to with raw JSON-RPC lines (no SDK client in the measuring
 * process, so its own cost is not counted against the server). Started with the Node running the
 * bench and a minimal environment (lib/env.mjs) unless `env` is given whole; `script` replaces the
 * server (the cold-start baseline).
 */
export function startStdio({ cwd, args = [], env = cleanEnv(), nodeArgs = [], script = BIN }) {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    cwd,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let buf = '';
  const waiters = new Map();
  child.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const msg = JSON.parse(line);
      if (msg.id !== undefined) {
        waiters.get(msg.id)?.({ msg, bytes: line.length });
        waiters.delete(msg.id);
      }
    }
  });
  let id = 0;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const send = (method, params) =>
    new Promise((resolve, reject) => {
      const myId = ++id;
      waiters.set(myId, resolve);
      child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id: myId, method, params }) + '\n');
      exited.then(() => reject(new Error(`server exited: ${stderr}`)));
    });
  return {
    child,
    /** Resolves with the whole response message. */
    request: async (method, params) => (await send(method, params)).msg,
    /** Resolves with the message and the bytes of its JSON line. */
    requestSized: send,
    notify: (method) => child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method }) + '\n'),
    async initialize() {
      const r = await this.request('initialize', {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'bench', version: '1' },
      });
      if (!r.result) throw new Error(`initialize failed: ${JSON.stringify(r)} ${stderr}`);
      this.notify('notifications/initialized');
      return r;
    },
    async call(name, args) {
      const r = await this.request('tools/call', { name, arguments: args });
      if (!r.result || r.result.isError)
        throw new Error(`${name} failed: ${JSON.stringify(r).slice(0, 500)}`);
      return r.result;
    },
    rssMiB: () => rssMiB(child.pid),
    stderr: () => stderr,
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}

export function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
