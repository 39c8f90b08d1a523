import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion with exactly `env` (nothing inherited), killing it after `timeoutMs`. */
export function run(
  command: string,
  args: string[],
  opts: { env: Record<string, string>; cwd?: string; timeoutMs?: number; input?: string },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: opts.env, cwd: opts.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${command} ${args.join(' ')} did not exit within ${opts.timeoutMs ?? 15_000} ms\n${stderr}`,
        ),
      );
    }, opts.timeoutMs ?? 15_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A child that exits without reading its stdin (`--version`) closes the pipe first: EPIPE on our
    // write is then expected, not a failure of the test.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

export interface Server {
  child: ChildProcessWithoutNullStreams;
  stderr(): string;
  exit: Promise<number | null>;
}

/** Starts a long-running command and resolves once its stderr matches `ready` (or it exits). */
export async function startServer(
  command: string,
  args: string[],
  opts: { env: Record<string, string>; cwd?: string; ready: RegExp; timeoutMs?: number },
): Promise<Server> {
  const child = spawn(command, args, { env: opts.env, cwd: opts.cwd });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout.resume();
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exited = false;
  void exit.then(() => (exited = true));
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  while (!exited && !opts.ready.test(err)) {
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${command} ${args.join(' ')} did not become ready:\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  if (exited) throw new Error(`${command} ${args.join(' ')} exited during start-up:\n${err}`);
  return { child, stderr: () => err, exit };
}
