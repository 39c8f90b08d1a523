import type { TLSSocket } from 'node:tls';
import type { TlsSettings } from '../config/types.js';

/**
 * Per-cluster TLS, never process-wide. The handshake runs with Node's own verification reporting but
 * not enforcing (`rejectUnauthorized: false`); the decision is made here, right after the handshake and
 * before the socket is handed to a request (cluster-agent.ts), so no request byte (and no token) is ever written to a server
 * that fails the check. Doing it ourselves lets the error carry the presented certificate's
 * fingerprint, which is exactly what a user needs to pin a self-signed PVE certificate.
 */
export class TlsCheckError extends Error {
  constructor(
    readonly reason: string,
    readonly presentedFingerprint: string | undefined,
    readonly subject: string | undefined,
  ) {
    super(`TLS check failed: ${reason}`);
    this.name = 'TlsCheckError';
  }
}

/** The per-cluster decision; exported so `proxmox-mcp check` judges a handshake by exactly these rules. */
export function checkSocket(socket: TLSSocket, tls: TlsSettings): TlsCheckError | undefined {
  const cert = socket.getPeerCertificate?.();
  const presented = cert && cert.fingerprint256 ? cert.fingerprint256.toUpperCase() : undefined;
  const subject = cert?.subject?.CN ? String(cert.subject.CN) : undefined;
  switch (tls.mode) {
    case 'insecure':
      return undefined;
    case 'fingerprint':
      if (presented && presented === tls.fingerprint) return undefined;
      return new TlsCheckError(
        presented
          ? `certificate fingerprint ${presented} does not match the pinned fingerprint`
          : 'no certificate presented',
        presented,
        subject,
      );
    case 'verify':
      if (socket.authorized) return undefined;
      return new TlsCheckError(
        String(socket.authorizationError ?? 'certificate not trusted'),
        presented,
        subject,
      );
  }
}
