import { clip } from '../clip.js';
import { ProxmoxError } from '../proxmox/errors.js';
import type { HttpMethod } from '../proxmox/client.js';
import {
  SchemaUnavailableError,
  simulatedSchemaNote,
  validateParams,
  type ApiIndex,
} from '../schema/index.js';
import type { ToolContext } from './types.js';

/** How long a first call may wait for the schema before it is sent unvalidated instead. */
const SCHEMA_WAIT_MS = 8_000;

export interface PreflightResult {
  params: Record<string, unknown>;
  /** Coercions applied ("vmstate: true → 1"), reported back so the model learns the right form. */
  notes: string[];
  /** False when the schema could not judge the call (unavailable, or slow): it was sent as given. */
  checked: boolean;
  /** The endpoint's boolean parameters (so a 400's advice mentions 0/1 only when one is involved). */
  booleanParams?: string[];
}

/** A call the schema proves PVE would reject: refused locally, with PVE's own wording. */
export class PreflightError extends ProxmoxError {
  constructor(message: string, facts: { cluster: string; method: string; path: string }) {
    super('REFUSED', message, facts);
    this.name = 'PreflightError';
  }
}

/**
 * Checks a raw call against the cluster's own API schema before it leaves: the path exists, the
 * method is there, and the parameters pass the checks PVE makes (same messages). Safe coercions are
 * applied and reported. Whatever the schema cannot judge is let through: the schema helps, it never
 * stands between the model and a call that might be valid.
 */
export async function preflight(
  ctx: ToolContext,
  method: HttpMethod,
  path: string,
  params: Record<string, unknown>,
): Promise<PreflightResult> {
  const index = await schemaWithin(ctx);
  if (!index) return { params, notes: [], checked: false };
  const facts = { cluster: ctx.cluster.name, method, path };
  // On the demo simulator, "not in the schema" means "not simulated": every refusal says so.
  const simulated = simulatedSchemaNote(index);
  const refuse = (message: string) =>
    new PreflightError(simulated ? `${message} ${simulated}` : message, facts);
  // A template pasted as-is ("/nodes/{node}/qemu"): the braces arrive percent-encoded.
  const placeholders = [
    ...path
      .replace(/%7B/gi, '{')
      .replace(/%7D/gi, '}')
      .matchAll(/\{([^{}/]+)\}/g),
  ].map((m) => m[1]!);
  if (placeholders.length) {
    throw refuse(
      `The path still contains placeholders ${placeholders.map((v) => `{${v}}`).join(', ')}; replace them with real values (e.g. a node name from list_nodes, a VMID from get_cluster_resources). Nothing was sent.`,
    );
  }
  const match = index.match(path);
  if (!match) {
    const near = index.closestPaths(path, 5);
    throw refuse(
      `No API path matches ${path} on cluster "${ctx.cluster.name}" (${simulated ? 'simulated' : 'PVE'} ${index.version ?? '?'} schema); nothing was sent.${near.length ? ` Closest paths: ${near.join(', ')}.` : ''} proxmox_api_describe explains any of them.`,
    );
  }
  const info = index.method(match.template, method);
  if (!info) {
    const available = index.methodsOf(match.template);
    throw refuse(
      `${match.template} has no ${method} method (available: ${available.join(', ') || 'none'}); nothing was sent.`,
    );
  }
  const result = validateParams(info, match.pathParams, params, 'form');
  if (!result.ok) {
    const known = Object.keys(info.parameters?.properties ?? {}).filter((k) => !(k in match.pathParams));
    const unknownParam = Object.values(result.errors).some((m) => m.includes('not defined in schema'));
    throw refuse(
      `Parameter verification failed for ${method} ${match.template} (checked against the cluster's API schema; nothing was sent): ` +
        listErrors(result.errors) +
        (unknownParam ? `. Valid parameters: ${known.join(', ') || 'none'}` : '') +
        '. proxmox_api_describe shows the parameters.',
    );
  }
  const booleanParams = Object.entries(info.parameters?.properties ?? {})
    .filter(([, p]) => (p as { type?: string }).type === 'boolean')
    .map(([k]) => k);
  return { params: result.params, notes: result.coercions, checked: true, booleanParams };
}

/** The first ten, each clipped: a call with 10,000 unknown keys must not get a megabyte back. */
function listErrors(errors: Record<string, string>): string {
  const entries = Object.entries(errors);
  const shown = entries.slice(0, 10).map(([k, v]) => clip(`${k}: ${v}`));
  return shown.join('; ') + (entries.length > 10 ? ` (and ${entries.length - 10} more)` : '');
}

async function schemaWithin(ctx: ToolContext): Promise<ApiIndex | undefined> {
  const signal = () => AbortSignal.any([ctx.signal, AbortSignal.timeout(SCHEMA_WAIT_MS)]);
  try {
    return await ctx.registry.schemaOf(ctx.cluster, signal);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    if (!(err instanceof SchemaUnavailableError))
      ctx.logger.debug('schema not ready for pre-flight', { error: String(err) });
    return undefined;
  }
}
