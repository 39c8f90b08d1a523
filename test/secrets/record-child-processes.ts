import { ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { onFlush, recordOutput, registerSecret, type RecordSource } from '../helpers/recording.js';

/**
 * Records the stdout and stderr of every child process the tests start (the built CLI through
 * test/helpers, `proxmox-mcp sse` from test/http, `script` wrapping it on a pseudo-terminal, the SDK's
 * stdio client, docker...), and registers the secrets found in each child's environment.
 *
 * It hooks ChildProcess.prototype.spawn, which every asynchronous spawn/execFile/fork goes through, so
 * tests and helpers need no change. Output is taken from the stream's own 'data' events (by wrapping
 * `emit`), never by adding a 'data' listener: a listener would switch the stream to flowing mode and
 * steal output from a test that starts reading later. Output nobody reads is therefore not recorded,
 * which matches "what the tests observe".
 */

const HOOKED = Symbol.for('proxmox-mcp.test.child-process-hook');
/** Split long outputs into records of about this size, repeating a tail so no secret is cut in two. */
const CHUNK_CHARS = 256 * 1024;
const OVERLAP_CHARS = 1024;

interface SpawnOptions {
  file?: string;
  args?: string[];
  envPairs?: string[];
}

type Spawnable = { spawn(options: SpawnOptions): unknown; [HOOKED]?: true };

export function recordChildProcesses(): void {
  const proto = ChildProcess.prototype as unknown as Spawnable;
  if (proto[HOOKED]) return;
  proto[HOOKED] = true;
  const original = proto.spawn;
  proto.spawn = function (this: ChildProcess, options: SpawnOptions) {
    const result = original.call(this, options);
    try {
      const command = [options.file ?? '', ...(options.args ?? [])].join(' ');
      // Our CLI: bin/proxmox-mcp.js, an installed `proxmox-mcp`, the image `proxmox-mcp:tag`.
      const ours = /(^|[\s/'"])proxmox-mcp(\.js)?(?=$|[\s'":])/.test(command);
      const meta = { cmd: path.basename(options.file ?? '?'), ours };
      registerSecretsFromEnv(options.envPairs ?? []);
      if (this.stdout) tee(this.stdout, 'stdout', meta);
      if (this.stderr) tee(this.stderr, 'stderr', meta);
    } catch {
      // Recording must never break a test's child process.
    }
    return result;
  };
}

function tee(stream: Readable, source: RecordSource, meta: Record<string, unknown>): void {
  const decoder = new StringDecoder('utf8');
  let text = '';
  let alreadyRecorded = 0;
  const recordPending = (): void => {
    if (text.length > alreadyRecorded) recordOutput(source, text, meta);
    text = text.slice(-OVERLAP_CHARS);
    alreadyRecorded = text.length;
  };
  const unregister = onFlush(recordPending);
  const emit = stream.emit.bind(stream);
  stream.emit = ((event: string | symbol, ...args: unknown[]) => {
    try {
      if (event === 'data') {
        const chunk = args[0];
        text += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
        if (text.length > CHUNK_CHARS) recordPending();
      } else if (event === 'close') {
        text += decoder.end();
        recordPending();
        unregister();
      }
    } catch {
      // Recording must never break the test's own reading of the stream.
    }
    return emit(event, ...args);
  }) as typeof stream.emit;
}

/**
 * The children get their secrets through the environment: PROXMOX_TOKEN (`user!id=secret`),
 * *_TOKEN_SECRET and other *SECRET variables a config interpolates, MCP_AUTH_TOKEN, and the *_FILE
 * variants pointing at a file holding one. Only values a test set are taken: whatever the child
 * inherited from the machine running the suite stays out of the recording.
 */
function registerSecretsFromEnv(envPairs: string[]): void {
  for (const pair of envPairs) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (!/SECRET|TOKEN/i.test(name) || /_ID$|_USER$/i.test(name) || process.env[name] === value) continue;
    if (/_FILE$/i.test(name)) registerSecret(readSmallFile(value));
    else registerSecret(/^[^\s!]+![^\s=]+=(.+)$/.exec(value)?.[1] ?? value);
  }
}

function readSmallFile(file: string): string | undefined {
  try {
    return statSync(file).size < 4096 ? readFileSync(file, 'utf8').trim() : undefined;
  } catch {
    return undefined;
  }
}
