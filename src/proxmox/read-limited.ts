/** Reads a fetch Response body as UTF-8, refusing to buffer more than `max` bytes. */
export async function readLimited(
  res: { body: ReadableStream<Uint8Array> | null; headers: { get(name: string): string | null } },
  max: number,
): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => {});
    throw new ResponseTooLargeError(max);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new ResponseTooLargeError(max);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export class ResponseTooLargeError extends Error {
  constructor(readonly max: number) {
    super(`response larger than ${Math.round(max / 1024 / 1024)} MiB`);
    this.name = 'ResponseTooLargeError';
  }
}
