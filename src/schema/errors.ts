// Typed errors of the schema library. Each carries a stable `code` so the tool layer can map it to
// an isError result without matching on message text.

export class SchemaError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The apidoc.js text (or JSON) could not be turned into a schema tree. */
export class SchemaParseError extends SchemaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SCHEMA_PARSE', message, options);
  }
}

/**
 * The cluster's schema could not be loaded (network, auth, parse). Never fatal: callers fall back
 * to sending the request unvalidated and tell the model why describe is unavailable.
 */
export class SchemaUnavailableError extends SchemaError {
  readonly cluster: string;
  readonly reason: string;
  /** Epoch ms until which the store answers with this error instead of retrying. */
  readonly retryAfter: number;

  constructor(cluster: string, reason: string, retryAfter: number, options?: { cause?: unknown }) {
    super('SCHEMA_UNAVAILABLE', `API schema for cluster '${cluster}' is unavailable: ${reason}`, options);
    this.cluster = cluster;
    this.reason = reason;
    this.retryAfter = retryAfter;
  }
}
