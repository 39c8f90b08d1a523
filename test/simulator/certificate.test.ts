import { X509Certificate } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '../../src/simulator/certificate.js';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';

describe('self-signed certificate', () => {
  const cert = createSelfSignedCertificate();
  const x509 = new X509Certificate(cert.certPem);

  it('is a valid v3 certificate signed by its own key', () => {
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.subject).toBe('CN=proxmox-mcp simulator');
    expect(x509.issuer).toBe(x509.subject);
    expect(x509.ca).toBe(true);
    expect(x509.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('names 127.0.0.1, ::1 and localhost and is valid from yesterday for a year', () => {
    expect(x509.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    const day = 86_400_000;
    const from = new Date(x509.validFrom).getTime();
    const to = new Date(x509.validTo).getTime();
    expect(Math.abs(Date.now() - day - from)).toBeLessThan(60_000);
    expect(Math.abs(Date.now() + 365 * day - to)).toBeLessThan(60_000);
  });

  it('reports the SHA-256 fingerprint in PVE GUI format', () => {
    expect(cert.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(cert.fingerprint).toBe(x509.fingerprint256);
  });

  it('is different on every start', () => {
    expect(createSelfSignedCertificate().fingerprint).not.toBe(cert.fingerprint);
  });
});

describe('TLS with verification on', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(() => sim.close());

  it('accepts undici with the cert as CA', async () => {
    const agent = new Agent({ connect: { ca: sim.certPem } });
    const res = await request(`${sim.url}/pve-docs/api-viewer/apidoc.js`, { dispatcher: agent });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    await agent.close();
  });

  it('is rejected by undici without it', async () => {
    const agent = new Agent();
    await expect(request(`${sim.url}/api2/json/version`, { dispatcher: agent })).rejects.toThrow(
      /self[- ]signed/i,
    );
    await agent.close();
  });

  it('serves the certificate whose fingerprint the simulator reports, for localhost too', async () => {
    const peer = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(
        { host: 'localhost', port: sim.port, path: '/api2/json/version', ca: sim.certPem },
        (res) => {
          resolve(
            res.socket && 'getPeerCertificate' in res.socket
              ? (res.socket as import('node:tls').TLSSocket).getPeerCertificate().fingerprint256
              : '',
          );
          res.resume();
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(peer).toBe(sim.fingerprint);
    expect(sim.url).toBe(`https://127.0.0.1:${sim.port}`);
  });
});
