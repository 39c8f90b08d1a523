import { MAX_ANSWER_DEPTH, nestsDeeperThan } from './answer-depth.js';
import { invalidBodyError } from './error-mapping.js';
import { ProxmoxError, type RequestFacts } from './errors.js';

export interface ApiResponse<T = unknown> {
  data: T;
  /** PVE adds `total` to some lists (task log, task list). */
  total?: number;
  status: number;
}

/**
 * PVE's answer body as the client hands it on: JSON with a `data` member (and `total` on some lists),
 * refused with a reason when it is not JSON, has no envelope, or nests deeper than any PVE answer does.
 */
export function parseEnvelope<T>(text: string, status: number, facts: RequestFacts): ApiResponse<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalidBodyError(text, status, facts);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json) || !('data' in json)) {
    throw new ProxmoxError(
      'INVALID_RESPONSE',
      `${facts.method} ${facts.path} on ${facts.cluster}: the answer has no {"data": …} envelope; is this URL a Proxmox VE API?`,
      facts,
    );
  }
  if (nestsDeeperThan(json, MAX_ANSWER_DEPTH)) {
    throw new ProxmoxError(
      'INVALID_RESPONSE',
      `${facts.method} ${facts.path} on ${facts.cluster}: the answer nests deeper than ${MAX_ANSWER_DEPTH} levels, which no Proxmox VE API answer does; it was not used. Is something other than Proxmox VE answering?`,
      facts,
    );
  }
  const env = json as { data: T; total?: unknown };
  return { data: env.data, status, ...(typeof env.total === 'number' ? { total: env.total } : {}) };
}
