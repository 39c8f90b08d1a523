/**
 * Secrets we know of (token secrets, bearer tokens) are registered here once, and every string that
 * leaves the process (tool results, errors, log lines, the audit file) is scrubbed of them. This is
 * the backstop behind not putting secrets into messages in the first place.
 *
 * Two rules make it hold when text is quoted in part:
 * - redact before cutting: a secret cut in two no longer matches whole, so callers cut redacted text
 *   (clip.ts does both, in that order);
 * - a run of 8 or more characters that starts or ends a secret is masked too, wherever it stands: so
 *   a quote cut in the middle of a secret (by us, by PVE's reason phrase, or by a proxy) never keeps a
 *   long piece of it.
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

  redact = (text: string): string => withoutHeld(replaceForms(text, this.forms));
}

/**
 * Secrets that live for one request only (a person's own PVE token, token_from "user"): masked by
 * every redactor while a call that carries one runs, then forgotten, so the process does not keep a
 * list of everyone's secrets. Counted, since two calls may carry the same token.
 */
const held = new Map<string, number>();
let heldForms: string[] = [];

function withoutHeld(text: string): string {
  return heldForms.length ? replaceForms(text, heldForms) : text;
}

function recomputeHeld(): void {
  heldForms = [...new Set([...held.keys()].flatMap(formsOf))].sort((a, b) => b.length - a.length);
}

/** Masks `secrets` everywhere until the returned function is called (once is enough; more is harmless). */
export function holdSecrets(secrets: readonly string[]): () => void {
  const mine = secrets.filter((s) => s.length >= 6);
  for (const s of mine) held.set(s, (held.get(s) ?? 0) + 1);
  recomputeHeld();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const s of mine) {
      const n = (held.get(s) ?? 1) - 1;
      if (n <= 0) held.delete(s);
      else held.set(s, n);
    }
    recomputeHeld();
  };
}

function replaceForms(text: string, forms: readonly string[]): string {
  let out = text;
  for (const f of forms) if (out.includes(f)) out = out.split(f).join('***');
  for (const f of forms) if (f.length > MIN_PIECE) out = maskPieces(out, f);
  return out;
}

/** Replaces each run of MIN_PIECE+ characters of `text` that starts or ends `form` with "***". */
function maskPieces(text: string, form: string): string {
  let out = text;
  const head = form.slice(0, MIN_PIECE);
  for (let at = out.indexOf(head); at !== -1; at = out.indexOf(head, at + 3)) {
    let n = MIN_PIECE;
    while (n < form.length && out[at + n] === form[n]) n++;
    // Never split an escape: "\\" left before "***"'s end would change the meaning of JSON text.
    if (out[at + n - 1] === '\\' && at + n < out.length) n++;
    out = `${out.slice(0, at)}***${out.slice(at + n)}`;
  }
  const tail = form.slice(-MIN_PIECE);
  for (let at = out.indexOf(tail); at !== -1; at = out.indexOf(tail, at + 3)) {
    let n = MIN_PIECE;
    while (
      n < form.length &&
      at + MIN_PIECE - n - 1 >= 0 &&
      out[at + MIN_PIECE - n - 1] === form[form.length - n - 1]
    )
      n++;
    let begin = at + MIN_PIECE - n;
    if (begin > 0 && out[begin - 1] === '\\') begin--;
    out = `${out.slice(0, begin)}***${out.slice(at + MIN_PIECE)}`;
    at = begin;
  }
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
  return withoutHeld(everyKnown.size ? replaceForms(text, allForms()) : text);
}
