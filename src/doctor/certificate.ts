import { isIP } from 'node:net';
import { connect, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { CertificateFacts } from './report.js';

/**
 * One TLS handshake that reports instead of enforcing (`rejectUnauthorized: false`), like the client's
 * connector: the caller judges the socket while it is open. Used by `check` and by `init
 * --fetch-fingerprint`. Nothing is written on the socket.
 */
export interface Handshake<T> {
  certificate: CertificateFacts | undefined;
  authorized: boolean;
  authorizationError: string | undefined;
  judged: T;
}

export function tlsHandshake<T>(
  target: { host: string; port: number; ca?: string },
  timeoutMs: number,
  judge: (socket: TLSSocket) => T,
  now: Date = new Date(),
): Promise<Handshake<T>> {
  const host = target.host.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port: target.port,
      servername: isIP(host) ? undefined : host,
      ca: target.ca,
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        Object.assign(new Error(`TLS handshake not finished within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }),
      );
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      try {
        const peer = socket.getPeerCertificate(false);
        resolve({
          certificate: peer && peer.fingerprint256 ? certificateFacts(peer, now) : undefined,
          authorized: socket.authorized,
          authorizationError: socket.authorizationError ? String(socket.authorizationError) : undefined,
          judged: judge(socket),
        });
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      } finally {
        socket.destroy();
      }
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    });
  });
}

export function certificateFacts(peer: PeerCertificate, now: Date): CertificateFacts {
  const validTo = new Date(peer.valid_to);
  return {
    subject: distinguishedName(peer.subject),
    issuer: distinguishedName(peer.issuer),
    validFrom: new Date(peer.valid_from).toISOString(),
    validTo: validTo.toISOString(),
    daysLeft: Math.floor((validTo.getTime() - now.getTime()) / 86_400_000),
    fingerprint256: peer.fingerprint256.toUpperCase(),
    selfSigned: distinguishedName(peer.subject) === distinguishedName(peer.issuer),
  };
}

function distinguishedName(dn: PeerCertificate['subject'] | undefined): string {
  if (!dn) return '';
  const order = ['CN', 'OU', 'O', 'L', 'ST', 'C'];
  const entries = Object.entries(dn as unknown as Record<string, string | string[]>).sort(
    ([a], [b]) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99),
  );
  return entries.map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`).join(', ');
}
