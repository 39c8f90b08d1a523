/**
 * Secrets we know of (token secrets, bearer tokens) are registered here once, and every string that
 * leaves the process (tool results, errors, log lines, the audit file) is scrubbed of them. This is
 * the backstop behind not putting secrets into messages in the first place.
 *
 * Two rules make it hold when text is quoted in part:
 * - redact before cutting: a secret cut in two no longer matches, so callers cut redacted text
 *   (clip.ts does both in that order);
 * - at a cut, a run of 8 or more characters that is the start (or end) of a secret is masked too,
 *   so a quote that stops in the middle of a secret never keeps a long piece of it.
 */

/** Shorter pieces are too common to mask, and too short to help guessing a 36-character secret. */
export const MIN_PIECE = 8;

/** Every secret registered by any redactor in this process: clip() masks them without being handed one. */
const everyKnown = new Set<string>();

/** The forms a secret travels in: as is, URL-encoded (a query or form body), base64 (a Basic header). */
function formsOf(secret: string): string[] {
  const b64 = Buffer.from(secret, 'utf8').toString('base64');
  const forms = [
    secret,
    encodeURIComponent(secret),
    b64,
    b64.replace(/=+$/, ''),
    JSON.stringify(secret).slice(1, -1),
  ];
  return [...new Set(forms)].filter((f) => f.length >= MIN_PIECE || f === secret);
}

export class SecretRedactor {
  private readonly secrets = new Set<string>();
  /** Each secret's forms, longest first, so a longer form is replaced before a piece of it. */
  private forms: string[] = [];

  add(secret: string | undefined): void {
    // Very short values would redact ordinary words; real PVE secrets are UUIDs.
    if (!secret || secret.length < 6 || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    everyKnown.add(secret);
    this.forms = [...new Set([...this.forms, ...formsOf(secret)])].sort((a, b) => b.length - a.length);
  }

  redact = (text: string): string => replaceForms(text, this.forms);
}

function replaceForms(text: string, forms: readonly string[]): string {
  let out = text;
  for (const f of forms) if (out.includes(f)) out = out.split(f).join('***');
  return out;
}

let knownForms: string[] = [];
let knownCount = 0;

function allForms(): string[] {
  if (knownCount !== everyKnown.size) {
    knownForms = [...new Set([...everyKnown].flatMap(formsOf))].sort((a, b) => b.length - a.length);
    knownCount = everyKnown.size;
  }
  return knownForms;
}

/** `text` with every secret known to this process (in any of its forms) replaced by "***". */
export function redactKnown(text: string): string {
  return everyKnown.size ? replaceForms(text, allForms()) : text;
}

/**
 * Masks what a cut left of a secret: a run of MIN_PIECE or more characters at the end of `kept`
 * (where it was cut) that starts a secret, or at its start that ends one. `kept` must already be
 * redacted (whole secrets replaced).
 */
export function maskCutEdges(
  kept: string,
  edges: { end?: boolean; start?: boolean } = { end: true },
): string {
  if (!everyKnown.size) return kept;
  let out = kept;
  for (const f of allForms()) {
    if (edges.end) {
      for (let n = Math.min(f.length - 1, out.length); n >= MIN_PIECE; n--) {
        if (out.endsWith(f.slice(0, n))) {
          out = `${out.slice(0, out.length - n)}***`;
          break;
        }
      }
    }
    if (edges.start) {
      for (let n = Math.min(f.length - 1, out.length); n >= MIN_PIECE; n--) {
        if (out.startsWith(f.slice(f.length - n))) {
          out = `***${out.slice(n)}`;
          break;
        }
      }
    }
  }
  return out;
}
