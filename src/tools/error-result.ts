import { z } from 'zod';
import { UnknownClusterError } from '../clusters/registry.js';
import type { ClusterConfig } from '../config/types.js';
import {
  ProxmoxError,
  ProxmoxHttpError,
  ProxmoxNetworkError,
  ProxmoxTlsError,
  ProxmoxTimeoutError,
} from '../proxmox/errors.js';
import { smallestRoleFor } from '../proxmox/pve-roles.js';
import { grantCommandPair, whichGrantApplies } from '../proxmox/grant-advice.js';
import { TaskWaitInterrupted } from '../tasks/interrupted.js';
import { describeUncertainWrite, writeMayHaveRun } from './uncertain-write.js';

/** What the tool knows about the call beyond the error itself. */
export interface ErrorContext {
  /** The parameters as the caller gave them (before 0/1 encoding): to tell whether a boolean was involved. */
  sent?: Record<string, unknown>;
  /** The endpoint's boolean parameters, from the cluster's API schema when it could be had. */
  booleanParams?: readonly string[];
}

/**
 * The one place where failures become text a model (and the person behind it) can act on: what
 * failed, why, and what to do next. Anything not recognised here is a bug and is reported as such.
 */
export function describeError(err: unknown, cluster?: ClusterConfig, context: ErrorContext = {}): string {
  if (err instanceof UnknownClusterError) {
    return `Unknown cluster "${err.requested}". Valid clusters: ${err.valid.join(', ')} (default: ${err.defaultCluster}). Call list_clusters to see them.`;
  }
  if (err instanceof z.ZodError) return `Invalid arguments: ${formatZodIssues(err)}`;
  if (err instanceof TaskWaitInterrupted) {
    return `Could not learn the state of task ${err.upid}: ${err.message}. ${describeError(err.lastError, cluster, context)}`;
  }
  if (writeMayHaveRun(err)) return describeUncertainWrite(err, uncertainCause(err));
  if (err instanceof ProxmoxHttpError) return describeHttp(err, cluster, context);
  if (err instanceof ProxmoxTlsError) return describeTls(err, cluster);
  if (err instanceof ProxmoxNetworkError) return describeNetwork(err);
  if (err instanceof ProxmoxTimeoutError) {
    return `${err.message}. The cluster may be overloaded or a node slow to answer; retry, narrow the request, or raise timeout_ms for cluster "${err.facts.cluster}".`;
  }
  if (err instanceof ProxmoxError) return err.message;
  return `Internal error in proxmox-mcp: ${err instanceof Error ? err.message : String(err)}`;
}

export function formatZodIssues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`).join('; ');
}

/** What happened to a write that may have been carried out, in words that do not invite a retry. */
function uncertainCause(err: ProxmoxError): string {
  if (err instanceof ProxmoxTimeoutError) {
    return `the request was sent but no answer came within ${err.timeoutMs} ms`;
  }
  if (err instanceof ProxmoxNetworkError) {
    return `the request was sent but the connection was closed before an answer (${err.syscallCode ?? 'network error'})`;
  }
  if (err instanceof ProxmoxHttpError) {
    return `the request was sent but a proxy or the node answered ${err.status} ${err.detail || err.reason} instead of PVE's result`;
  }
  return err.message;
}

function describeHttp(
  err: ProxmoxHttpError,
  cluster: ClusterConfig | undefined,
  context: ErrorContext,
): string {
  const where = `${err.facts.method} ${err.facts.path} on cluster "${err.facts.cluster}"`;
  const token = cluster ? `${cluster.user}!${cluster.tokenId}` : 'the API token';
  // token_from "user": the token was the person's own (X-Proxmox-Token), not one of the config.
  if (cluster?.tokenFrom === 'user') return describePersonalTokenHttp(err, where, context);
  switch (err.code) {
    case 'AUTH_FAILED':
      return [
        `Authentication failed (401 ${err.reason || 'Unauthorized'}) for ${where}.`,
        err.reason === 'No ticket'
          ? 'No credentials reached Proxmox.'
          : `Proxmox rejected the API token ${token}: the user, token id or secret is wrong, or the token was deleted, disabled or expired.`,
        'Check user (user@realm), token_id (the name after "!") and token_secret (the UUID shown once by `pveum user token add`) for this cluster; `proxmox-mcp check` tests them.',
      ].join(' ');
    case 'PERMISSION_DENIED':
      return describePermission(err, where, cluster);
    case 'NOT_IMPLEMENTED':
      return `No such API endpoint: ${err.detail} (501) for ${where}. Check the path (it is case-sensitive and has no trailing file extension); proxmox_api_describe with a query finds the right one.`;
    case 'PARAMETER_ERROR': {
      const taskNode = /^\/nodes\/([^/]+)\/tasks\/[^/]+/.exec(err.facts.path)?.[1];
      if (taskNode && /no such task/i.test(err.paramErrors?.upid ?? '')) {
        return `No such task on node "${taskNode}" of cluster "${err.facts.cluster}" (400: upid: no such task): the UPID is mistyped, belongs to another cluster (pass cluster), or is too old to be kept. GET /nodes/${taskNode}/tasks lists the node's recent tasks.`;
      }
      const params = err.paramErrors
        ? Object.entries(err.paramErrors)
            .map(([k, v]) => `${k}: ${v}`)
            .join('; ')
        : err.detail;
      return `Proxmox rejected the parameters of ${where} (400 ${err.reason}): ${params}. Fix these parameters and call again${booleanInvolved(err, context) ? '; booleans are 0/1' : ''}.`;
    }
    case 'NODE_UNREACHABLE':
      return describeUnreachable(err, where);
    default: {
      const text = err.detail || `HTTP ${err.status}`;
      if (/^Configuration file '.*' does not exist/.test(text)) {
        return `Not found: ${text} (${err.status}) for ${where}. The guest does not exist on that node; get_cluster_resources with type "vm" lists guests and their nodes.`;
      }
      if (/^hostname lookup '.*' failed/.test(text)) {
        return `Unknown node for ${where}: ${text}. list_nodes shows the node names.`;
      }
      if (err.status === 502 || err.status === 503 || err.status === 504) {
        return `Proxmox answered ${err.status} ${text} for ${where}: the node, or a proxy or load balancer in front of it, is unavailable for now. Call again in a moment; if it persists, check that pveproxy runs on the node (systemctl status pveproxy) and anything between.`;
      }
      if (err.status >= 500) {
        return `Proxmox answered ${err.status} ${text} for ${where}. The message is Proxmox's own; if it does not say what to change, the node's journal has more (journalctl -u pvedaemon -u pveproxy).`;
      }
      return `Proxmox answered ${err.status} ${text} for ${where}.`;
    }
  }
}

/** 595/596: pveproxy could not forward the call (AnyEvent::HTTP's pseudo-statuses, NOTES.md §2.5). */
function describeUnreachable(err: ProxmoxHttpError, where: string): string {
  const status = `${err.status} ${err.reason || 'node unreachable'}`;
  const node = /^\/nodes\/([^/]+)/.exec(err.facts.path)?.[1];
  if (node) {
    return `Node "${node}" did not answer for ${where} (${status}): it is probably offline, or its pveproxy is down. Other nodes still answer; list_nodes shows which are online.`;
  }
  return `The Proxmox node at this cluster's URL could not forward ${where} (${status}) to the node or daemon that serves it. Check which nodes are online (list_nodes) and that pveproxy and pvedaemon run on them (systemctl status pveproxy pvedaemon).`;
}

/**
 * The 0/1 hint only helps when a boolean was involved: PVE named a parameter that is a boolean in the
 * cluster's schema (when it could be had), whose check is a boolean one ("type check ('boolean')
 * failed"), or whose value, as sent, was true/false.
 */
function booleanInvolved(err: ProxmoxHttpError, context: ErrorContext): boolean {
  const named = Object.entries(err.paramErrors ?? {});
  return named.some(
    ([name, message]) =>
      /\bboolean\b/i.test(message) ||
      context.booleanParams?.includes(name) === true ||
      typeof context.sent?.[name] === 'boolean',
  );
}

function describePermission(err: ProxmoxHttpError, where: string, cluster?: ClusterConfig): string {
  const text = err.detail;
  const token = cluster ? `${cluster.user}!${cluster.tokenId}` : 'the API token';
  const m = /Permission check failed \(([^,]+), ([^)]+)\)/.exec(text);
  if (/user != root@pam/.test(text)) {
    return `Permission denied for ${where}: this endpoint is reserved to the root@pam user (${text}). API tokens, even root@pam's, cannot call it; use another endpoint or do it in the PVE GUI.`;
  }
  if (/not available with API token/.test(text)) {
    return `Permission denied for ${where}: this endpoint does not accept API tokens (${text}).`;
  }
  if (m) {
    const aclPath = m[1]!.trim();
    // "VM.Audit|VM.Console": any one of them would do.
    const privs = m[2]!.split('|').map((p) => p.trim());
    const needs = privs.length > 1 ? `any of ${privs.join(', ')}` : privs[0]!;
    const builtin = smallestRoleFor(privs);
    const head = `Permission denied (403) for ${where}: the token ${token} lacks ${needs} on ${aclPath}.`;
    // Administrator is every privilege: a role of one privilege is the least-privilege answer then.
    const custom = !builtin || builtin === 'Administrator';
    const role = custom ? 'MCPCustom' : builtin;
    const which = custom
      ? `Among the built-in roles only Administrator holds it; create a role with just that privilege: pveum role add ${role} --privs ${privs[0]}. Then grant it on ${aclPath} (or a parent path):`
      : `The smallest built-in role with it is ${role}; grant it on ${aclPath} (or a parent path):`;
    if (!cluster)
      return `${head} ${which} pveum acl modify ${aclPath} --tokens '<user@realm!token>' --roles ${role}.`;
    return [
      `${head} ${which}`,
      ...grantCommandPair(aclPath, role, cluster.user, token).map((l) => `  ${l}`),
      whichGrantApplies(cluster.user),
    ].join('\n');
  }
  return `Permission denied (403) for ${where}: ${text}. The token ${token} lacks a privilege; tokens with privilege separation need their own ACL entries (pveum acl modify).`;
}

function describeTls(err: ProxmoxTlsError, cluster?: ClusterConfig): string {
  const name = err.facts.cluster;
  const host = cluster ? `${cluster.host}:${cluster.port}` : 'the server';
  if (err.expectedFingerprint) {
    return [
      `TLS pin mismatch for cluster "${name}": ${host} presented a certificate with SHA-256 fingerprint ${err.presentedFingerprint ?? '(none)'},`,
      `but clusters.${name}.fingerprint is ${err.expectedFingerprint}. No request was sent.`,
      'If the node certificate was renewed, update the fingerprint (PVE GUI: Node → System → Certificates); otherwise something is intercepting the connection.',
    ].join(' ');
  }
  const lines = [
    `TLS verification failed for cluster "${name}" (${host}): ${err.tlsReason}. No request was sent.`,
  ];
  if (err.presentedFingerprint) {
    lines.push(
      `Proxmox VE uses a self-signed certificate by default. To trust exactly this certificate, add to clusters.${name} in clusters.json: "fingerprint": "${err.presentedFingerprint}" (first compare it with PVE GUI → Node → System → Certificates),`,
      'or set ca_file to your CA certificate, or (not recommended) "verify_ssl": false.',
    );
  }
  return lines.join(' ');
}

function describeNetwork(err: ProxmoxNetworkError): string {
  const at = `${err.host}:${err.port}`;
  const name = err.facts.cluster;
  switch (err.syscallCode) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Cannot resolve host "${err.host}" for cluster "${name}" (DNS ${err.syscallCode}). Check clusters.${name}.url, or use the node's IP address.`;
    case 'ECONNREFUSED':
      return `Connection to ${at} refused for cluster "${name}". Is the address right and pveproxy running? The PVE API listens on port 8006 (https).`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return `No route to ${at} for cluster "${name}" (${err.syscallCode}): the host is down, the address is wrong, or a firewall drops port ${err.port}.`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
    case 'EPIPE':
      return `The connection to ${at} was closed unexpectedly for cluster "${name}" (${err.syscallCode}); retry. If it persists, check for a proxy or load balancer in between.`;
    default:
      return `Cannot reach ${at} for cluster "${name}" (${err.syscallCode ?? 'network error'}).`;
  }
}

/** Advice for a cluster with `token_from: "user"`: the person fixes their own token or asks for an ACL. */
function describePersonalTokenHttp(err: ProxmoxHttpError, where: string, context: ErrorContext): string {
  if (err.code === 'AUTH_FAILED')
    return `Authentication failed (401 ${err.reason || 'Unauthorized'}) for ${where}: Proxmox rejected the person's own API token (the X-Proxmox-Token header; this cluster has token_from "user"). The user, token id or secret is wrong, or the token was deleted, disabled or expired: the user should check the token their MCP client sends.`;
  if (err.code === 'PERMISSION_DENIED')
    return `Permission denied (403) for ${where}: ${err.detail}. This cluster uses each person's own API token (token_from "user"), so Proxmox's permissions of that person apply: a Proxmox administrator grants them (pveum acl modify), or the user does it in the PVE GUI.`;
  return describeHttp(err, undefined, context);
}
