import type { Params } from './encode.js';
import type { HttpMethod, RequestContext } from './request-types.js';

// What the client tells its hooks (the audit) about each request: before it leaves, and its outcome.

/** Sees every request's outcome (for the audit log). Must not throw. */
export type RequestObserver = (event: RequestEvent) => void;

/** A request that passed every guard and is about to leave. */
export interface OutgoingRequest {
  /** Shared with the outcome's RequestEvent, so the two audit records can be paired. */
  id: string;
  cluster: string;
  method: HttpMethod;
  path: string;
  params: Params;
  toolName?: string;
  /** The signed-in person who made it (OAuth), for the audit. */
  person?: AuditPerson;
}

/** Who made a request, as the audit writes it: the token's `sub`, and a readable name when known. */
export interface AuditPerson {
  sub: string;
  name?: string;
}
/**
 * Runs after the guards and before the request leaves (the audit's "sent" record). Unlike an
 * observer it may throw, and then the request is not sent: a record that cannot be written must not
 * become an action nobody can trace.
 */
export type BeforeSend = (req: OutgoingRequest) => void;

export interface RequestEvent {
  /** The request's id (as in OutgoingRequest); absent for a refusal, which never got that far. */
  id?: string;
  cluster: string;
  method: HttpMethod;
  path: string;
  params: Params;
  /** The tool that made the request, when a tool did. */
  toolName?: string;
  /** The signed-in person who made it (OAuth). */
  person?: AuditPerson;
  /** True when the request was refused locally (read-only, policy, not confirmed) and never sent. */
  refused?: boolean;
  status?: number;
  /** A ProxmoxError, or whatever else was thrown while sending (a bug, an unexpected failure). */
  error?: Error;
  data?: unknown;
  durationMs: number;
  /** Requests sent for this call: above 1 when a transient failure of a GET was retried (retry.ts). */
  attempts?: number;
}

/** The person of a request's context as the audit writes them, or undefined when nobody signed in. */
export function auditPersonOf(context: RequestContext): AuditPerson | undefined {
  const caller = context.caller;
  return caller ? { sub: caller.subject, ...(caller.name ? { name: caller.name } : {}) } : undefined;
}
