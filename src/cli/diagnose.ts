import { SecretRedactor } from '../redact.js';
import type { InitFlags } from '../init/index.js';
import { loadForCheck } from './check-config.js';
import { forceReadOnly } from '../config/force-read-only.js';
import os from 'node:os';
import { configSearch, env, readOnlySource, stderr, UsageError, withConfirmation } from './shared.js';

// The first-run commands: \`check\` (the doctor) and \`init\` (a starter clusters.json).

export interface CheckCommandOptions {
  config?: string;
  cluster?: string[];
  json?: boolean;
  timeout?: number;
  readOnly?: boolean;
  confirmation?: string;
  /** Check the built-in simulated clusters of `demo`: what a healthy report looks like. */
  demo?: boolean;
}

/** `check`: exit 0 when every checked cluster is usable, 1 when not; config errors stay 78. */
export async function runCheck(opts: CheckCommandOptions): Promise<void> {
  const doctor = await import('../doctor/index.js');
  const demo = opts.demo ? await (await import('../commands/demo.js')).startDemoClusters() : undefined;
  const { loaded, missingSecrets } = demo
    ? { loaded: demo.config, missingSecrets: {} }
    : await loadForCheck(configSearch(opts));
  const names = loaded.clusters.map((c) => c.name);
  const unknown = (opts.cluster ?? []).filter((n) => !names.includes(n));
  if (unknown.length) {
    throw new UsageError(
      `unknown cluster ${unknown.join(', ')} in --cluster; configured: ${names.join(', ')}`,
    );
  }
  const config = forceReadOnly(withConfirmation(loaded, opts), readOnlySource(opts));
  const report = await doctor.runDoctor({
    config,
    origin: doctor.configOrigin(loaded, env),
    clusters: opts.cluster,
    budgetMs: (opts.timeout ?? doctor.DEFAULT_BUDGET_MS / 1000) * 1000,
    missingSecrets,
  });
  await demo?.close();
  const color = !!process.stdout.isTTY && !env.NO_COLOR && env.TERM !== 'dumb';
  // A server may echo the Authorization header back in an error; people paste this output into bug
  // reports, so it passes the same redactor as every tool result.
  const redactor = new SecretRedactor();
  for (const c of loaded.clusters) redactor.add(c.tokenSecret);
  // How `sse` would authenticate, when the environment configures it (text report only).
  const httpAuth = opts.json
    ? undefined
    : await (await import('../auth/describe-http-auth.js')).describeHttpAuth(env);
  const text = redactor.redact(
    opts.json
      ? JSON.stringify(report, null, 2) + '\n'
      : doctor.renderReport(report, { color }) + (httpAuth ? `\n${httpAuth}\n` : ''),
  );
  process.stdout.write(text, () => process.exit(report.usable ? 0 : 1));
}

/** `init`: usage errors exit 2, refusals (file exists, certificate unreadable) 1, Ctrl-C 130. */
export async function runInitCommand(flags: InitFlags): Promise<void> {
  const init = await import('../init/index.js');
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
