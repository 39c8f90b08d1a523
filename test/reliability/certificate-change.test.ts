import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';
import { apiRequests } from './helpers.js';

/**
 * The node's certificate changes under a cluster pinned by fingerprint (renewal, reinstall, or someone
 * in the middle). The connection must be refused during the handshake, so the token is never sent, and
 * the error must name the certificate now presented and what to do about it.
 */
describe('a pinned cluster whose certificate changes', () => {
  let h: Harness;
  let oldFingerprint: string;
  let newFingerprint: string;
  beforeAll(async () => {
    h = await startHarness({ clusters: [{ name: 'pinned' }] });
    // One good call first, so a keep-alive connection with the old certificate exists.
    expect((await h.call('list_nodes', { cluster: 'pinned' })).isError).toBeFalsy();
    oldFingerprint = h.sims.pinned!.fingerprint;
    newFingerprint = h.sims.pinned!.changeCertificate();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('the simulator presents a different certificate', () => {
    expect(newFingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(newFingerprint).not.toBe(oldFingerprint);
    expect(h.sims.pinned!.fingerprint).toBe(newFingerprint);
  });

  it('is refused before any request is sent, naming the new fingerprint and what to update', async () => {
    const sim = h.sims.pinned!;
    const mark = sim.requests.length;
    const r = await h.call('list_nodes', { cluster: 'pinned' });
    expect(r.isError).toBe(true);
    const text = textOf(r);
    expect(text).toMatch(/^TLS pin mismatch for cluster "pinned"/);
    expect(text).toContain(`presented a certificate with SHA-256 fingerprint ${newFingerprint}`);
    expect(text).toContain(`clusters.pinned.fingerprint is ${oldFingerprint}`);
    expect(text).toMatch(/update the fingerprint/);
    expect(text).toMatch(/No request was sent/);
    // Refused in the handshake: the simulator never saw a request, so never saw the token.
    expect(apiRequests(sim, mark, 'GET', '/nodes')).toHaveLength(0);
  });

  it('pinning the new fingerprint, as the message says, works again', async () => {
    const repinned = await startHarness({
      clusters: [
        {
          name: 'pinned',
          existing: h.sims.pinned!,
          tls: () => ({ mode: 'fingerprint', fingerprint: newFingerprint }),
        },
      ],
    });
    try {
      const r = await repinned.call('list_nodes', { cluster: 'pinned' });
      expect(r.isError, textOf(r)).toBeFalsy();
    } finally {
      await repinned.close();
    }
  });
});
