import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { ProxmoxClient } from '../../src/proxmox/client.js';
import type { ClusterConfig } from '../../src/config/types.js';
import { resolvePolicy } from '../../src/safety/policy.js';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';
import { clusterConfigFor } from '../helpers/harness.js';

/**
 * The policy is part of the client, not an optional guard: a ProxmoxClient built with no guards at
 * all still refuses what read-only, deny and the allow-list refuse, and asks where confirm rules say.
 */
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ clusterName: 'c', taskDurationMs: 50 });
});
afterAll(() => sim.close());

const clientWith = (config: Partial<ClusterConfig>) =>
  new ProxmoxClient(clusterConfigFor('c', sim, config), { logger: createLogger() });
const writes = () => sim.requests.filter((q) => q.method !== 'GET').map((q) => `${q.method} ${q.path}`);

describe('the client enforces the policy with no guard registered', () => {
  it('deny, allow-list and read-only refuse before sending, on the route PVE takes', async () => {
    const denied = clientWith({
      policy: resolvePolicy(undefined, { deny: ['POST /nodes/*/qemu/*/status/stop'] }, 'c', 'f'),
    });
    await expect(denied.request('POST', '/nodes/pve1/qemu/100/status//stop/')).rejects.toThrow(
      /denied by policy rule/,
    );
    await expect(denied.request('POST', '/nodes/pve1/qemu/100/status/stop%2F')).rejects.toThrow(
      /escaped "\/"/,
    );
    const allowList = clientWith({ policy: resolvePolicy(undefined, { allow: ['GET /**'] }, 'c', 'f') });
    await expect(allowList.request('POST', '/nodes/pve1/qemu/100/status/start')).rejects.toThrow(
      /no rule of the allow-list/,
    );
    const readOnly = clientWith({ readOnly: true, readOnlySource: 'clusters.c.read_only' });
    await expect(readOnly.request('POST', '/nodes/pve1/qemu/100/status/start')).rejects.toMatchObject({
      code: 'READ_ONLY',
      message: expect.stringContaining('(clusters.c.read_only)'),
    });
    expect(writes()).toEqual([]);
    await Promise.all([denied.close(), allowList.close(), readOnly.close()]);
  });

  it('a confirm rule asks through the request context; declined means not sent', async () => {
    const client = clientWith({});
    const asked: string[] = [];
    await expect(
      client.request(
        'POST',
        '/nodes/pve1//stopall',
        {},
        {
          context: {
            confirm: async (q) => {
              asked.push(`${q.method} ${q.path} (${q.rule})`);
              return { confirmed: false, reason: 'the user declined' };
            },
          },
        },
      ),
    ).rejects.toMatchObject({ code: 'NOT_CONFIRMED' });
    expect(asked).toEqual(['POST /nodes/pve1/stopall (POST /nodes/*/stopall)']);
    expect(writes()).toEqual([]);
    await client.close();
  });
});
