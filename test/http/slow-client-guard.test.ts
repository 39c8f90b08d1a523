import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { SlowClientGuard } from '../../src/transports/http/slow-clients.js';

/**
 * The stall rule on its own, with a response whose socket progress the test controls: a client that
 * keeps reading (bytes keep leaving) is never cut, however long its backlog takes; one that reads
 * nothing for stallMs is.
 */
function fakeResponse() {
  const res = new EventEmitter() as EventEmitter & {
    write: (...args: unknown[]) => boolean;
    writableLength: number;
    destroyed: boolean;
    socket: { bytesWritten: number };
    destroy: () => void;
  };
  res.writableLength = 0;
  res.destroyed = false;
  res.socket = { bytesWritten: 0 };
  res.write = () => {
    res.writableLength += 100_000;
    return false; // the socket is full: every write blocks
  };
  res.destroy = () => {
    res.destroyed = true;
  };
  return res;
}

afterEach(() => vi.useRealTimers());

describe('SlowClientGuard stall rule', () => {
  const guard = () =>
    new SlowClientGuard(
      { maxUnreadBytes: 1024 ** 3, stallMs: 1_000 },
      createLogger({ level: 'error', write: () => {} }),
    );

  it('a client still reading is not cut while its backlog drains slowly', () => {
    vi.useFakeTimers();
    const res = fakeResponse();
    guard().watch(res as unknown as ServerResponse, () => 'GET /sse');
    res.write('x');
    for (let i = 0; i < 10; i++) {
      res.socket.bytesWritten += 50_000; // some progress every 900 ms, but never a full drain
      vi.advanceTimersByTime(900);
    }
    expect(res.destroyed).toBe(false);
  });

  it('a client that reads nothing for stallMs is cut', () => {
    vi.useFakeTimers();
    const res = fakeResponse();
    guard().watch(res as unknown as ServerResponse, () => 'GET /sse');
    res.write('x');
    vi.advanceTimersByTime(1_001);
    expect(res.destroyed).toBe(true);
  });
});
