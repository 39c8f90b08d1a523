/**
 * A per-cluster time budget: every probe gets what is left (capped), and no probe can outlive its
 * slot, so `check` answers within the budget even when a host swallows packets.
 */
export class DeadlineError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${formatMs(ms)}`);
    this.name = 'DeadlineError';
  }
}

export class Budget {
  private readonly end: number;

  constructor(
    readonly totalMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.end = now() + totalMs;
  }

  remaining(): number {
    return Math.max(0, this.end - this.now());
  }

  /** The time a probe may take: what is left, at most `capMs`. */
  slot(capMs: number): number {
    return Math.min(capMs, this.remaining());
  }
}

/** Settles with `work`, or rejects with DeadlineError after `ms` (then `onTimeout` cleans up). */
export function withDeadline<T>(work: Promise<T>, ms: number, onTimeout?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout?.();
      reject(new DeadlineError(ms));
    }, ms);
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${Math.round(ms)} ms`;
}
