/**
 * A configuration problem the user must fix. The CLI prints it and exits 78 (EX_CONFIG).
 * `keyPath` is the exact place in the file (`clusters.prod.token_secret`), so the message can say
 * where to look.
 */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    message: string,
    readonly source?: string,
    readonly keyPath?: string,
  ) {
    super([source ? `${source}: ` : '', keyPath ? `${keyPath}: ` : '', message].join(''));
    this.name = 'ConfigError';
  }
}
