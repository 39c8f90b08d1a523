import { PERSONAL_TOKEN_HEADER } from '../auth/caller.js';
import type { ClusterConfig } from '../config/types.js';
import { metrics } from '../metrics/events.js';
import { ProxmoxRefusedError, type RequestFacts } from './errors.js';

/**
 * A person's own PVE API token, for clusters with `token_from: "user"`: `user@realm!tokenid=secret`
 * as PVE shows it when the token is made (an optional leading `PVEAPIToken=` is accepted). The secret
 * is a UUID; other characters are refused, so nothing can ride along into the Authorization header.
 */
const TOKEN = /^([^\s:/!@=]+@[A-Za-z][A-Za-z0-9.\-_]+)!([A-Za-z][A-Za-z0-9.\-_]+)=([A-Za-z0-9._~-]+)$/;
const PREFIX = /^PVEAPIToken[= ]/;

/** The secret part of a header value (after the last "="), for redaction; the whole value when none. */
export function personalTokenSecrets(value: string): string[] {
  const v = value.trim().replace(PREFIX, '');
  const eq = v.lastIndexOf('=');
  return eq >= 0 ? [v, v.slice(eq + 1)] : [v];
}

const HOW = `The person's MCP client sends their own PVE API token with every HTTP request in the ${headerName()} header, as user@realm!tokenid=secret (made in PVE under Datacenter > Permissions > API Tokens, or with \`pveum user token add\`); over stdio there is no header, so such a cluster cannot be used there.`;

function headerName(): string {
  return PERSONAL_TOKEN_HEADER.replace(
    /(^|-)([a-z])/g,
    (_m, dash: string, c: string) => dash + c.toUpperCase(),
  );
}

/**
 * The Authorization header for a request to a `token_from: "user"` cluster, from the person's token;
 * a refusal (nothing is sent) when there is none or it is malformed. Messages never quote the value:
 * a malformed one may still hold the secret.
 */
export function personalAuthorization(
  cluster: ClusterConfig,
  value: string | undefined,
  facts: RequestFacts,
): string {
  const refuse = (why: string) => {
    metrics.refusal('auth', cluster.name);
    return new ProxmoxRefusedError(
      'REFUSED',
      `refused ${facts.method} ${facts.path}: cluster "${cluster.name}" takes each person's own Proxmox API token (token_from: "user" in clusters.json), and ${why}. ${HOW} Nothing was sent to Proxmox.`,
      facts,
      'token_from',
    );
  };
  if (value === undefined || value.trim() === '') throw refuse('this request came without one');
  const v = value.trim().replace(PREFIX, '');
  if (!TOKEN.test(v)) throw refuse(`the ${headerName()} header is not one: ${malformation(v)}`);
  return `PVEAPIToken=${v}`;
}

/** What is wrong with a token value, in words that quote none of it. */
function malformation(v: string): string {
  const bang = v.indexOf('!');
  const eq = v.lastIndexOf('=');
  if (/\s/.test(v)) return 'it contains whitespace (a pasted line break?)';
  if (bang < 0) return 'there is no "!" between the user (user@realm) and the token id';
  if (eq < bang) return 'there is no "=" between the token id and the secret';
  if (!/^[^\s:/!@=]+@[A-Za-z][A-Za-z0-9.\-_]+$/.test(v.slice(0, bang)))
    return 'the part before "!" is not a PVE user of the form user@realm (e.g. alice@pve)';
  if (!/^[A-Za-z][A-Za-z0-9.\-_]+$/.test(v.slice(bang + 1, eq)))
    return 'the token id (between "!" and "=") must be a letter followed by letters, digits, ".", "-" or "_"';
  return 'the secret (after "=") must be the UUID PVE showed when the token was made';
}

/**
 * Over stdio no request carries a header, so a `token_from: "user"` cluster can never be used there:
 * said once at start-up (each call is refused saying the same).
 */
export function warnUnusableOverStdio(
  clusters: readonly ClusterConfig[],
  logger: { warn(msg: string): void },
): void {
  const names = clusters.filter((c) => c.tokenFrom === 'user').map((c) => `"${c.name}"`);
  if (names.length === 0) return;
  logger.warn(
    `cluster${names.length > 1 ? 's' : ''} ${names.join(', ')} take${names.length > 1 ? '' : 's'} each person's own API token (token_from "user"), which only an HTTP request can carry (the ${headerName()} header): over stdio ${names.length > 1 ? 'they are' : 'it is'} unusable, and every call to ${names.length > 1 ? 'them' : 'it'} is refused. Serve it with \`proxmox-mcp sse\`, or give the cluster its own token_id/token_secret.`,
  );
}
