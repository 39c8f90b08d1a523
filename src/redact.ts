/**
 * Secrets we know of (token secrets, bearer tokens) are registered here once, and every string that
 * leaves the process (tool results, errors, log lines) is scrubbed of them. This is the backstop
 * behind not putting secrets into messages in the first place.
 */
export class SecretRedactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    // Very short values would redact ordinary words; real PVE secrets are UUIDs.
    if (secret && secret.length >= 6) this.secrets.add(secret);
  }

  redact = (text: string): string => {
    let out = text;
    for (const s of this.secrets) {
      if (out.includes(s)) out = out.split(s).join('***');
      const encoded = encodeURIComponent(s);
      if (encoded !== s && out.includes(encoded)) out = out.split(encoded).join('***');
    }
    return out;
  };
}
