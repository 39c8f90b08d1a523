import { checkSocket } from '../proxmox/tls.js';
import { formatMs } from './budget.js';
import { tlsHandshake } from './certificate.js';
import { settingLine, settingName, type ProbeContext } from './context.js';
import type { CertificateFacts, CheckResult } from './report.js';

export interface TlsOutcome {
  result: CheckResult;
  certificate?: CertificateFacts;
}

/** Certificates expiring sooner than this are worth a warning. */
export const EXPIRY_WARNING_DAYS = 30;

/** Node's verification codes, in the words a PVE admin knows. */
const WHY: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "the certificate is self-signed (Proxmox VE's default)",
  SELF_SIGNED_CERT_IN_CHAIN:
    "the certificate is signed by a CA this machine does not trust (PVE's own cluster CA?)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    "the certificate is signed by a CA this machine does not trust (PVE's own cluster CA?)",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate chain is incomplete or signed by an unknown CA',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet (check the clocks)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate was issued for another host name',
};

/**
 * Handshakes with the node and judges the certificate by the cluster's own TLS setting, with the same
 * function the client uses, so "check says ok" means "the tools will connect".
 */
export async function probeTls(ctx: ProbeContext, timeoutMs: number, now = new Date()): Promise<TlsOutcome> {
  const { cluster } = ctx;
  const tls = cluster.tls;
  const started = Date.now();
  let hs;
  try {
    hs = await tlsHandshake(
      { host: cluster.host, port: cluster.port, ca: tls.mode === 'verify' ? tls.ca : undefined },
      timeoutMs,
      (socket) => checkSocket(socket, tls),
      now,
    );
  } catch (err) {
    return { result: handshakeFailure(ctx, err, timeoutMs, Date.now() - started) };
  }
  const durationMs = Date.now() - started;
  const cert = hs.certificate;
  const fp = cert?.fingerprint256 ?? '(none presented)';
  const pinLine = settingLine(ctx, 'fingerprint', fp);
  const failure = hs.judged;
  if (failure) {
    if (tls.mode === 'fingerprint') {
      return {
        certificate: cert,
        result: {
          id: 'tls',
          status: 'fail',
          summary: `pinned fingerprint does not match: the server presents ${fp}`,
          fix: [
            `If the node's certificate was renewed, compare ${fp} with PVE GUI → Node → System → Certificates,`,
            `then replace the pin in ${settingName(ctx, 'fingerprint')}:`,
            `  ${pinLine}`,
            'If nobody renewed it, something between here and the node intercepts TLS: do not change the pin.',
          ],
          durationMs,
        },
      };
    }
    const code = hs.authorizationError ?? failure.reason;
    return {
      certificate: cert,
      result: {
        id: 'tls',
        status: 'fail',
        summary: `certificate not trusted: ${WHY[code] ?? code} (${code})`,
        fix: cert
          ? [
              ctx.origin.kind === 'environment'
                ? 'To trust exactly this certificate, set:'
                : `To trust exactly this certificate, add to clusters.${cluster.name} in ${ctx.origin.file}${tls.mode === 'verify' && tls.caFile ? ' (instead of ca_file)' : ''}:`,
              `  ${pinLine}`,
              '(first compare it with PVE GUI → Node → System → Certificates), or set ca_file to the CA that',
              'signed it (/etc/pve/pve-root-ca.pem on a node for the default certificates).',
            ]
          : ['The server presented no certificate: is this a Proxmox VE API port?'],
        durationMs,
      },
    };
  }
  return { certificate: cert, result: judgeAccepted(ctx, cert, pinLine, durationMs) };
}

function judgeAccepted(
  ctx: ProbeContext,
  cert: CertificateFacts | undefined,
  pinLine: string,
  durationMs: number,
): CheckResult {
  const tls = ctx.cluster.tls;
  const how =
    tls.mode === 'fingerprint'
      ? 'pinned fingerprint matches'
      : tls.mode === 'verify'
        ? `verified${tls.caFile ? ` against ${tls.caFile}` : ' by the system CAs'}`
        : 'accepted WITHOUT verification';
  if (tls.mode === 'insecure') {
    return {
      id: 'tls',
      status: 'warn',
      summary: `${how} (${settingName(ctx, 'verify_ssl')} is false): any certificate is accepted`,
      fix: [
        `Pin this certificate instead (and remove ${ctx.origin.kind === 'environment' ? 'PROXMOX_VERIFY_SSL' : 'verify_ssl'}), after comparing it with PVE GUI → Node → System → Certificates:`,
        `  ${pinLine}`,
      ],
      durationMs,
    };
  }
  if (cert && cert.daysLeft < EXPIRY_WARNING_DAYS) {
    const when =
      cert.daysLeft < 0
        ? `expired ${-cert.daysLeft} day(s) ago (${cert.validTo.slice(0, 10)})`
        : `expires in ${cert.daysLeft} day(s) (${cert.validTo.slice(0, 10)})`;
    return {
      id: 'tls',
      status: 'warn',
      summary: `${how}, but the certificate ${when}`,
      fix: [
        'Renew it on the node (ACME renews itself; the self-signed one: pvecm updatecerts --force),',
        tls.mode === 'fingerprint'
          ? 'then run proxmox-mcp check again: it prints the new fingerprint to pin.'
          : 'before clients start refusing it.',
      ],
      durationMs,
    };
  }
  return { id: 'tls', status: 'ok', summary: how, durationMs };
}

function handshakeFailure(
  ctx: ProbeContext,
  err: unknown,
  timeoutMs: number,
  durationMs: number,
): CheckResult {
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? 'error';
  if (/wrong version number|packet length too long|WRONG_VERSION|unknown protocol/i.test(e.message)) {
    return {
      id: 'tls',
      status: 'fail',
      summary: `the server on port ${ctx.cluster.port} does not speak TLS (plain HTTP?)`,
      fix: [`The Proxmox VE API is https on port 8006; check ${settingName(ctx, 'url')}.`],
      durationMs,
    };
  }
  return {
    id: 'tls',
    status: 'fail',
    summary:
      code === 'ETIMEDOUT'
        ? `the TLS handshake did not finish within ${formatMs(timeoutMs)}`
        : `the TLS handshake failed: ${e.message} (${code})`,
    fix: [
      'Something accepts TCP on this port but does not complete a TLS handshake: check the port, and any',
      'proxy or load balancer in front of the node.',
    ],
    durationMs,
  };
}
