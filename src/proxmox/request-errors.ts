/** Rejections that say why the request stopped early; anything else is a transport failure. */
export class RequestTimedOut extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
    this.name = 'RequestTimedOut';
  }
}
export class RequestAborted extends Error {
  constructor() {
    super('the request was cancelled');
    this.name = 'RequestAborted';
  }
}
