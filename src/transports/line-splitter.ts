/**
 * Cuts a byte stream into newline-terminated lines without ever holding more than `maxBytes` of one
 * line: a client that sends a giant line (or never sends the newline) costs at most that much memory.
 * The excess is reported once, as soon as the limit is crossed, and the rest of that line is skipped
 * as it streams past, up to and including its newline; the next line is read normally.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private skipping = false;

  constructor(
    private readonly maxBytes: number,
    private readonly onLine: (line: Buffer) => void,
    private readonly onTooLong: () => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start <= chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      if (!this.skipping && end > start) {
        if (this.size + (end - start) > this.maxBytes) {
          this.skipping = true;
          this.parts = [];
          this.size = 0;
          this.onTooLong();
        } else {
          this.parts.push(chunk.subarray(start, end));
          this.size += end - start;
        }
      }
      if (newline === -1) return;
      if (this.skipping) this.skipping = false;
      else {
        const line = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
        this.parts = [];
        this.size = 0;
        this.onLine(line);
      }
      start = newline + 1;
    }
  }

  /** At the end of the input: a last line without its newline is still a line. */
  end(): void {
    if (this.size > 0 && !this.skipping) this.push(Buffer.from('\n'));
    this.clear();
  }

  clear(): void {
    this.parts = [];
    this.size = 0;
    this.skipping = false;
  }
}
