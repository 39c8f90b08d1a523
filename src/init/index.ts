import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { userConfigFile } from '../config/locate.js';
import { tlsHandshake } from '../doctor/certificate.js';
import { collectAnswers, type InitFlags, type TlsChoice } from './answers.js';
import { buildConfigFile, renderConfigFile, type ResolvedAnswers } from './build-config.js';
import { renderGuidance } from './guidance.js';
import { createPrompter, type Prompter } from './prompt.js';

export { InitUsageError, type InitFlags } from './answers.js';
export { PromptAbortedError } from './prompt.js';

/** Refused (file exists, certificate unreadable): the CLI prints it and exits 1. */
export class InitError extends Error {}

export interface InitIo {
  env: Record<string, string | undefined>;
  cwd: string;
  homedir: string;
  stdin: NodeJS.ReadableStream;
  /** Prompts only when a person can answer. */
  stdinIsTTY: boolean;
  /** Prompts and their echo go here (stderr), so --stdout stays pure JSON. */
  promptOutput: NodeJS.WritableStream;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const FETCH_TIMEOUT_MS = 10_000;

/**
 * `proxmox-mcp init`: a starter clusters.json from flags or questions, then the steps that make it work
 * (pveum commands, the secret, `check`, client snippets). Never writes the secret; never overwrites.
 */
export async function runInit(flags: InitFlags, io: InitIo): Promise<void> {
  const defaultFile = userConfigFile(io.env, io.homedir);
  const target = flags.stdout ? undefined : path.resolve(io.cwd, flags.output ?? defaultFile);
  // Refuse before asking anything: answering ten questions to learn the file exists is no fun.
  if (target && existsSync(target) && !flags.force) {
    throw new InitError(
      `${target} already exists; not overwriting it. Use --force to replace it, --output FILE to write elsewhere, or --stdout to print.`,
    );
  }
  const prompter = io.stdinIsTTY && !flags.yes ? createPrompter(io.stdin, io.promptOutput, true) : undefined;
  const note = flags.stdout ? io.stderr : io.stdout;
  let answers: ResolvedAnswers;
  try {
    if (prompter)
      prompter.say(`Writing ${target ?? 'clusters.json to stdout'}. Press Enter to accept [defaults].\n`);
    answers = await collectAnswers(flags, io.cwd, prompter, (target) => fetchTls(target, prompter, note));
  } finally {
    prompter?.close();
  }
  const text = renderConfigFile(buildConfigFile(answers));
  if (!target) {
    io.stdout(text);
  } else {
    mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(target, text, { mode: 0o600, flag: flags.force ? 'w' : 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST')
        throw new InitError(`${target} already exists; not overwriting it.`);
      throw err;
    }
    // An overwritten file keeps its old mode; the secret may sit next to it, so tighten it.
    chmodSync(target, 0o600);
  }
  const configArg = !target ? '/path/to/clusters.json' : target === defaultFile ? undefined : target;
  note('\n' + renderGuidance(answers, { written: target, configArg }));
}

/** --fetch-fingerprint (or "yes" to the question): one TLS handshake, shown to the user, then pinned. */
async function fetchTls(
  a: { url: string; host: string; port: number },
  prompter: Prompter | undefined,
  note: (s: string) => void,
): Promise<TlsChoice> {
  let hs;
  try {
    hs = await tlsHandshake({ host: a.host, port: a.port }, FETCH_TIMEOUT_MS, () => undefined);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const problem = `cannot read the certificate of ${a.url}: ${errnoText(e)}`.replace(/\s+/g, ' ').trim();
    // On a terminal every answer so far is kept: the file can be written without a pin.
    if (prompter && (await keepWithoutPin(prompter, problem))) return { kind: 'verify' };
    throw new InitError(
      `${problem}. Check the URL, or give --fingerprint (PVE GUI → Node → System → Certificates) instead.`,
    );
  }
  const cert = hs.certificate;
  if (!cert) throw new InitError(`${a.url} presented no certificate; is this a Proxmox VE API port?`);
  const show = [
    `Certificate of ${a.url}:`,
    `  subject  ${cert.subject}${cert.selfSigned ? ' (self-signed)' : ''}`,
    `  issuer   ${cert.issuer}`,
    `  valid    until ${cert.validTo.slice(0, 10)} (${cert.daysLeft} days)`,
    `  SHA-256  ${cert.fingerprint256}`,
    hs.authorized
      ? '  This system already trusts it (a CA-signed certificate): pinning is optional.'
      : `  Not trusted by this system (${hs.authorizationError ?? 'unknown reason'}).`,
    '  Compare the fingerprint with PVE GUI → Node → System → Certificates before trusting it.',
    '',
  ].join('\n');
  if (!prompter) {
    note(show);
    return { kind: 'fingerprint', value: cert.fingerprint256 };
  }
  prompter.say(show);
  if (hs.authorized) {
    return (await prompter.confirm('Pin it anyway?', false))
      ? { kind: 'fingerprint', value: cert.fingerprint256 }
      : { kind: 'verify' };
  }
  if (await prompter.confirm('Pin this certificate (recommended)?', true))
    return { kind: 'fingerprint', value: cert.fingerprint256 };
  return (await prompter.confirm('Turn TLS verification off instead (not recommended)?', false))
    ? { kind: 'insecure' }
    : { kind: 'verify' };
}

/** The fingerprint could not be read: offer to write the file with verification on, and say how to pin. */
async function keepWithoutPin(prompter: Prompter, problem: string): Promise<boolean> {
  prompter.say(
    `${problem}.\n` +
      "  The file can still be written without a pinned certificate: it is then verified with this system's\n" +
      '  CAs. To pin it later, run `proxmox-mcp check` once the node is reachable and add the\n' +
      '  "fingerprint" line it prints (or PVE GUI → Node → System → Certificates).\n',
  );
  return prompter.confirm('Write the file without a pinned fingerprint?', true);
}

/** "ECONNREFUSED (connect 127.0.0.1:1)": Node's message already holds the code; say it once. */
function errnoText(e: NodeJS.ErrnoException): string {
  if (!e.code) return e.message;
  if (!e.message.includes(e.code)) return `${e.code} ${e.message}`;
  return `${e.code} (${e.message.replace(e.code, '').replace(/\s+/g, ' ').trim()})`;
}
