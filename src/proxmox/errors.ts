/**
 * Typed errors for everything that can go wrong between us and a Proxmox node. Each carries the facts
 * (cluster, method, path, status, PVE's reason phrase, per-parameter errors, the certificate's
 * fingerprint) so that one module (tools/error-result.ts) can turn them into advice. No message ever
 * contains the token: only the token *id* is ever passed in.
 */
export type ProxmoxErrorCode =
  | 'HTTP_ERROR'
  | 'AUTH_FAILED'
  | 'PERMISSION_DENIED'
  | 'NOT_IMPLEMENTED'
  | 'PARAMETER_ERROR'
  | 'NODE_UNREACHABLE'
  | 'TLS_ERROR'
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'INVALID_RESPONSE'
  | 'INVALID_PATH'
  | 'READ_ONLY'
  | 'REFUSED'
  | 'NOT_CONFIRMED'
  | 'NOT_FOUND';

export interface RequestFacts {
  cluster: string;
  method: string;
  path: string;
}

export class ProxmoxError extends Error {
  constructor(
    readonly code: ProxmoxErrorCode,
    message: string,
    readonly facts: RequestFacts,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProxmoxError';
  }
}

/** A non-2xx answer from PVE. `reason` is the HTTP reason phrase, where PVE puts its error text. */
export class ProxmoxHttpError extends ProxmoxError {
  constructor(
    code: ProxmoxErrorCode,
    facts: RequestFacts,
    readonly status: number,
    readonly reason: string,
    readonly bodyMessage: string | undefined,
    readonly paramErrors: Record<string, string> | undefined,
  ) {
    super(
      code,
      `${facts.method} ${facts.path} on ${facts.cluster}: ${status} ${bodyMessage ?? reason}`.trim(),
      facts,
    );
    this.name = 'ProxmoxHttpError';
  }

  /** The most complete text PVE gave: the body message (8.3+) has lines the reason phrase cuts off. */
  get detail(): string {
    return (this.bodyMessage ?? this.reason).trim();
  }
}

export class ProxmoxTlsError extends ProxmoxError {
  constructor(
    facts: RequestFacts,
    readonly tlsReason: string,
    /** SHA-256 fingerprint of the certificate the server presented, when the handshake got that far. */
    readonly presentedFingerprint: string | undefined,
    readonly expectedFingerprint: string | undefined,
    readonly subject?: string,
  ) {
    super('TLS_ERROR', `TLS to ${facts.cluster} failed: ${tlsReason}`, facts);
    this.name = 'ProxmoxTlsError';
  }
}

export class ProxmoxNetworkError extends ProxmoxError {
  constructor(
    facts: RequestFacts,
    readonly host: string,
    readonly port: number,
    readonly syscallCode: string | undefined,
    cause: unknown,
  ) {
    super('NETWORK_ERROR', `cannot reach ${host}:${port} (${syscallCode ?? 'network error'})`, facts, {
      cause,
    });
    this.name = 'ProxmoxNetworkError';
  }
}

export class ProxmoxTimeoutError extends ProxmoxError {
  constructor(
    facts: RequestFacts,
    readonly timeoutMs: number,
  ) {
    super(
      'TIMEOUT',
      `${facts.method} ${facts.path} on ${facts.cluster} timed out after ${timeoutMs} ms`,
      facts,
    );
    this.name = 'ProxmoxTimeoutError';
  }
}

/** Refused locally before anything was sent (read-only, policy, bad path). `setting` names who refused. */
export class ProxmoxRefusedError extends ProxmoxError {
  constructor(
    code: 'READ_ONLY' | 'REFUSED' | 'INVALID_PATH' | 'NOT_CONFIRMED',
    message: string,
    facts: RequestFacts,
    readonly setting?: string,
  ) {
    super(code, message, facts);
    this.name = 'ProxmoxRefusedError';
  }
}
