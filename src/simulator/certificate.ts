import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/**
 * A fresh self-signed TLS certificate for the simulator, built with node:crypto only (no openssl binary at
 * runtime). It is its own CA (basicConstraints CA:true) so tests and `proxmox-mcp demo` can pass its PEM as
 * the `ca` trust anchor and keep verification on, or pin its SHA-256 fingerprint like a real PVE node.
 */
export interface SelfSignedCertificate {
  certPem: string;
  keyPem: string;
  /** SHA-256 of the DER, uppercase hex pairs joined by ':' (the format PVE's GUI shows). */
  fingerprint: string;
}

// --- A minimal DER encoder: only the ASN.1 types an X.509 v3 certificate needs. -----------------------

function tlv(tag: number, content: Buffer): Buffer {
  const len = content.length;
  if (len < 0x80) return Buffer.concat([Buffer.from([tag, len]), content]);
  const lenBytes: number[] = [];
  for (let n = len; n > 0; n = Math.floor(n / 256)) lenBytes.unshift(n % 256);
  return Buffer.concat([Buffer.from([tag, 0x80 | lenBytes.length, ...lenBytes]), content]);
}

const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const octetString = (bytes: Buffer): Buffer => tlv(0x04, bytes);
const utf8String = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));
const boolean = (value: boolean): Buffer => tlv(0x01, Buffer.from([value ? 0xff : 0x00]));
/** [n] EXPLICIT: a constructed context-specific wrapper around one encoded value. */
const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 + n, inner);

/** A non-negative INTEGER from big-endian bytes: minimal length, with a 0x00 pad if the high bit is set. */
function integer(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  let body = bytes.subarray(start);
  if ((body[0] ?? 0) & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return tlv(0x02, body);
}

/** BIT STRING with a leading "unused bits" count byte. */
const bitString = (bytes: Buffer, unusedBits = 0): Buffer =>
  tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), bytes]));

function objectId(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const out = [first * 40 + second];
  for (const arc of rest) {
    // base-128, high bit set on every byte but the last
    const chunk = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift((n & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-11-26T16:47:00.000Z
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z'; // 20261126164700Z
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(digits.slice(2)))
    : tlv(0x18, Buffer.from(digits));
}

const OID = {
  commonName: '2.5.4.3',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

const extension = (oid: string, critical: boolean, value: Buffer): Buffer =>
  sequence(objectId(oid), ...(critical ? [boolean(true)] : []), octetString(value));

const name = (cn: string): Buffer => sequence(set(sequence(objectId(OID.commonName), utf8String(cn))));

// --- The certificate -----------------------------------------------------------------------------------

export function createSelfSignedCertificate(now = new Date()): SelfSignedCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const subject = name('proxmox-mcp simulator');
  const signatureAlgorithm = sequence(objectId(OID.ecdsaWithSha256));

  // Serial: 16 random bytes, kept positive and non-zero as RFC 5280 requires.
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;

  // The last 65 bytes of a P-256 SPKI are the uncompressed point; its SHA-1 is the usual key identifier.
  const keyId = createHash('sha1')
    .update(spki.subarray(spki.length - 65))
    .digest();
  const altNames = sequence(
    tlv(0x82, Buffer.from('localhost')), // [2] dNSName
    tlv(0x87, Buffer.from([127, 0, 0, 1])), // [7] iPAddress
    tlv(0x87, Buffer.from([...new Array<number>(15).fill(0), 1])), // [7] iPAddress ::1
  );

  const day = 24 * 60 * 60 * 1000;
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // version v3
    integer(serial),
    signatureAlgorithm,
    subject, // issuer = subject: self-signed
    sequence(time(new Date(now.getTime() - day)), time(new Date(now.getTime() + 365 * day))),
    subject,
    spki,
    explicit(
      3,
      sequence(
        extension(OID.basicConstraints, true, sequence(boolean(true))),
        // digitalSignature (bit 0) for ECDHE-ECDSA, keyCertSign (bit 5) because it is its own CA.
        extension(OID.keyUsage, true, bitString(Buffer.from([0x84]), 2)),
        extension(OID.extKeyUsage, false, sequence(objectId(OID.serverAuth))),
        extension(OID.subjectKeyIdentifier, false, octetString(keyId)),
        extension(OID.subjectAltName, false, altNames),
      ),
    ),
  );

  // crypto.sign with an EC key yields the DER ECDSA-Sig-Value X.509 expects.
  const signature = sign('sha256', tbs, privateKey);
  const certDer = sequence(tbs, signatureAlgorithm, bitString(signature));

  const base64 = certDer.toString('base64').replace(/(.{64})/g, '$1\n');
  const certPem = `-----BEGIN CERTIFICATE-----\n${base64.replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const fingerprint = (
    createHash('sha256').update(certDer).digest('hex').toUpperCase().match(/../g) ?? []
  ).join(':');
  return { certPem, keyPem, fingerprint };
}
