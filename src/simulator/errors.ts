/**
 * Errors a handler raises, mirroring PVE::Exception: a status, a message whose first line becomes the HTTP
 * reason phrase, and optional per-parameter errors. Messages keep PVE's trailing newline where the Perl code
 * has one (`die "...\n"`), because since PVE 8.3 the body's "message" shows it.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A plain `die "msg\n"` in a handler: PVE answers 500. */
export function fail(message: string, status = 500): ApiError {
  return new ApiError(status, message.endsWith('\n') ? message : `${message}\n`);
}

/** raise_param_exc: 400 "Parameter verification failed." with the errors keyed by parameter. */
export function paramError(errors: Record<string, string>): ApiError {
  return new ApiError(400, 'Parameter verification failed.\n', errors);
}

/** raise_perm_exc: 403, with "(path, priv)" when the check names what was missing. */
export function permError(what?: string): ApiError {
  return new ApiError(403, what ? `Permission check failed (${what})\n` : 'Permission check failed\n');
}

/** The one PVE message without a trailing newline (RESTHandler's "not implemented"). */
export function notImplemented(method: string, path: string): ApiError {
  return new ApiError(501, `Method '${method} ${path}' not implemented`);
}
