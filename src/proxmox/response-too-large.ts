/** An answer over the client's size cap (64 MiB by default, gzip inflated included). */
export class ResponseTooLargeError extends Error {
  constructor(readonly max: number) {
    super(`response larger than ${Math.round(max / 1024 / 1024)} MiB`);
    this.name = 'ResponseTooLargeError';
  }
}
