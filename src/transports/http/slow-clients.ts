import type { ServerResponse } from 'node:http';
import type { Logger } from '../../logger.js';

export interface SlowClientLimits {
  /** Output a client may leave unread on one response before it is cut. */
  maxUnreadBytes: number;
  /** How long a response may stay blocked on a client that does not read before it is cut. */
  stallMs: number;
}

/**
 * Cuts responses whose client stopped reading. The legacy SSE transport (and our keepalive) ignore
 * `write()` returning false, and the Streamable HTTP transport queues its events in a web stream that
 * waits for 'drain', so without this a client that opens an event stream and never reads it, or a
 * peer that vanished, makes the server keep every later message for it, forever.
 *
 * A response is cut when, at the moment something more is written, more than `maxUnreadBytes` is
 * already waiting (a single large message into an empty buffer is fine), or when the buffer has been
 * above the stream's high-water mark for `stallMs` without draining. Cutting destroys the socket;
 * the response's 'close' handlers then release its session or stream as for any disconnect.
 */
export class SlowClientGuard {
  private cuts = 0;

  constructor(
    private readonly limits: SlowClientLimits,
    private readonly logger: Logger,
  ) {}

  /** Responses cut so far (reported by the server handle's stats()). */
  get cutCount(): number {
    return this.cuts;
  }

  watch(res: ServerResponse, describe: () => string): void {
    let timer: NodeJS.Timeout | undefined;
    const disarm = () => {
      clearTimeout(timer);
      timer = undefined;
    };
    const cut = (why: string) => {
      disarm();
      if (res.destroyed) return;
      this.cuts++;
      this.logger.warn(`cut ${describe()}: the client stopped reading (${why})`, {
        unread: res.writableLength,
      });
      res.destroy();
    };
    // 'drain' comes only once the whole backlog is out, so a client reading steadily but slower than
    // a burst arrives may not see it for a while: only a period with no progress at all is a stall.
    const sent = () => res.socket?.bytesWritten ?? 0;
    const arm = () => {
      if (timer || res.destroyed) return;
      const before = sent();
      timer = setTimeout(() => {
        timer = undefined;
        if (sent() > before) arm();
        else cut(`nothing drained for ${this.limits.stallMs} ms`);
      }, this.limits.stallMs);
      timer.unref();
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    res.write = ((...args: unknown[]) => {
      if (res.writableLength > this.limits.maxUnreadBytes) {
        cut(`${res.writableLength} bytes unread`);
        return false;
      }
      const ok = write(...args);
      if (!ok) arm();
      return ok;
    }) as ServerResponse['write'];
    res.on('drain', disarm);
    res.once('finish', disarm);
    res.once('close', disarm);
  }
}
