import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { OutputRecord } from '../helpers/recording.js';

/**
 * The scanner of the secret sweep: every way a secret could be written that a reader (or a client,
 * or a log collector) could turn back into the secret.
 */

export interface Needle {
  encoding: string;
  text: string;
  /** Matched against the lower-cased record (hex digits and percent-escapes come in either case). */
  caseInsensitive: boolean;
}

export interface Finding {
  /** The secret, cut to its first characters: the report must not leak it either. */
  secret: string;
  encoding: string;
  source: OutputRecord['s'];
  testFile: string | undefined;
  /** The text around the first match, with every known secret replaced by <SECRET>. */
  context: string;
  meta: Record<string, unknown>;
}

/**
 * Base64 of `secret` wherever it sits in a longer string (as in `Basic base64(user!id=secret)`): the
 * encoding depends on the offset modulo 3, so one needle per offset, keeping only the characters
 * that encode the secret's bytes alone.
 */
function base64Needles(secret: string): string[] {
  const out: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const encoded = Buffer.from('\0'.repeat(pad) + secret).toString('base64');
    const end = Math.floor((pad + Buffer.byteLength(secret)) / 3) * 4;
    out.push(encoded.slice(pad ? 4 : 0, end));
  }
  return out;
}

export function needlesFor(secret: string): Needle[] {
  const needles: Needle[] = [];
  const add = (encoding: string, text: string, caseInsensitive: boolean) => {
    if (text.length >= 8 && !needles.some((n) => n.text === (caseInsensitive ? text.toLowerCase() : text)))
      needles.push({ encoding, text: caseInsensitive ? text.toLowerCase() : text, caseInsensitive });
  };
  add('as is (any case)', secret, true);
  add('URL-encoded', encodeURIComponent(secret), true);
  add('URL-encoded twice', encodeURIComponent(encodeURIComponent(secret)), true);
  const jsonOnce = JSON.stringify(secret).slice(1, -1);
  add('JSON-escaped', jsonOnce, true);
  add('JSON-escaped twice', JSON.stringify(jsonOnce).slice(1, -1), true);
  add('hex', Buffer.from(secret).toString('hex'), true);
  for (const b64 of base64Needles(secret)) {
    add('base64', b64, false);
    add('base64url', b64.replaceAll('+', '-').replaceAll('/', '_'), false);
  }
  // A truncated message ("…f00dcafe-1234-4abc-8d…") leaks most of a secret: halves of long secrets,
  // unless the secret is too regular (all zeros) for a half to mean anything.
  if (secret.length >= 24 && new Set(secret).size >= 8) {
    const half = Math.ceil(secret.length / 2);
    add('first half', secret.slice(0, half), true);
    add('second half', secret.slice(-half), true);
  }
  return needles;
}

export function mask(secret: string): string {
  return `${secret.slice(0, 4)}…(${secret.length} chars)`;
}

/** `text` with every needle of every secret replaced, for showing where a finding is. */
function scrub(text: string, bySecret: Array<{ needles: Needle[] }>): string {
  let out = text;
  for (const { needles } of bySecret)
    for (const n of needles)
      out = out.replace(
        new RegExp(n.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), n.caseInsensitive ? 'gi' : 'g'),
        '<SECRET>',
      );
  return out;
}

export function scanRecords(records: Iterable<OutputRecord>, secrets: Iterable<string>): Finding[] {
  const bySecret = [...new Set(secrets)].map((secret) => ({ secret, needles: needlesFor(secret) }));
  const findings: Finding[] = [];
  for (const record of records) {
    if (record.s === 'secret' || record.s === 'file') continue;
    const lower = record.t.toLowerCase();
    for (const { secret, needles } of bySecret) {
      for (const needle of needles) {
        if (!(needle.caseInsensitive ? lower : record.t).includes(needle.text)) continue;
        const { s, f, t: _t, ...meta } = record;
        findings.push({
          secret: mask(secret),
          encoding: needle.encoding,
          source: s,
          testFile: f,
          context: around(scrub(record.t, bySecret)),
          meta,
        });
        break;
      }
    }
  }
  return findings;
}

/** The first 120 characters either side of the first scrubbed secret. */
function around(scrubbed: string): string {
  const at = Math.max(0, scrubbed.indexOf('<SECRET>'));
  return scrubbed.slice(Math.max(0, at - 120), at + 128);
}

/** Every record of a run directory (one JSON-lines file per worker process). */
export function readRecordings(dir: string): OutputRecord[] {
  const records: OutputRecord[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.jsonl')) continue;
    for (const line of readFileSync(path.join(dir, name), 'utf8').split('\n')) {
      if (line) records.push(JSON.parse(line) as OutputRecord);
    }
  }
  return records;
}

/** The secrets the run registered (the harness, helpers, child environments, tests). */
export function registeredSecrets(records: OutputRecord[]): Set<string> {
  return new Set(records.filter((r) => r.s === 'secret').map((r) => r.t));
}
