import type { Caller } from '../auth/caller.js';
import type { ClusterConfig } from '../config/types.js';
import type { ApiPath } from './api-path.js';
import type { Params } from './encode.js';

// What a request carries to the guards that judge it before it leaves. Its own module because the
// guards (src/safety) are imported by the client that runs them: both import these from here.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A question for the person at the client, asked before a request matching a `confirm` rule leaves. */
export interface ConfirmQuestion {
  cluster: string;
  method: HttpMethod;
  path: string;
  params: Params;
  /** The confirm rule that matched, e.g. `DELETE /**`. */
  rule: string;
  ruleSource: string;
  toolName?: string;
}

/** `reason` says why not (declined, cancelled, no answer in time…), for the refusal message. */
export type ConfirmAnswer = { confirmed: true } | { confirmed: false; reason: string };

/** Whatever the calling tool wants to hand to guards (e.g. a way to ask the human). Extensible. */
export interface RequestContext {
  /** Ask the person at the client; absent when the client cannot be asked (no elicitation). */
  confirm?: (question: ConfirmQuestion) => Promise<ConfirmAnswer>;
  /**
   * Why `confirm` is absent, for the guard to decide with the cluster's `confirmation` setting
   * (src/safety/confirm-unavailable.ts). Neither this nor `confirm`: a `confirm` rule refuses.
   */
  confirmUnavailable?: ConfirmUnavailable;
  toolName?: string;
  /** The person who signed in (OAuth): their role on the cluster limits the request (safety/roles.ts). */
  caller?: Caller;
  /**
   * The person's own PVE API token (`user@realm!tokenid=secret`, X-Proxmox-Token), sent instead of a
   * configured one to clusters with `token_from: "user"`. For this request only: never stored or logged.
   */
  personalToken?: string;
}

/**
 * `no-elicitation`: the client said in `initialize` that it cannot be asked. `stateless`: this
 * server cannot carry a question (--stateless HTTP: each request gets a fresh server that never saw
 * the client). `not-initialized`: the client called before `initialize`, so nothing is known of it.
 */
export interface ConfirmUnavailable {
  why: 'no-elicitation' | 'stateless' | 'not-initialized';
  /** The client's name from `initialize`, for the message. */
  client?: string;
}

export interface GuardRequest {
  cluster: ClusterConfig;
  method: HttpMethod;
  /** As it will be sent (after /api2/json). */
  path: string;
  /** The segments PVE routes `path` on (api-path.ts): what policies and other guards judge. */
  route: ApiPath;
  params: Params;
  context: RequestContext;
}
/** Runs before a request leaves; throws (a ProxmoxRefusedError) to stop it. */
export type RequestGuard = (req: GuardRequest) => void | Promise<void>;
