import type { ClusterConfig, LoadedConfig } from '../config/types.js';
import { DEMO_TOKEN_SECRET, startSimulator, type Simulator } from '../simulator/index.js';

/**
 * The cluster entry that reaches a simulator through the real client: HTTPS with its certificate
 * pinned by fingerprint and the real token header. Used by `demo` and by the test harness.
 */
export function simulatedCluster(
  name: string,
  sim: Simulator,
  overrides: Partial<ClusterConfig> = {},
): ClusterConfig {
  return {
    name,
    origin: sim.url,
    host: sim.host,
    port: sim.port,
    user: 'root@pam',
    tokenId: 'mcp',
    tokenSecret: DEMO_TOKEN_SECRET,
    tls: { mode: 'fingerprint', fingerprint: sim.fingerprint },
    readOnly: false,
    timeoutMs: 30_000,
    ...overrides,
  };
}

export interface DemoClusters {
  config: LoadedConfig;
  simulators: Simulator[];
  close(): Promise<void>;
}

/**
 * Starts two simulated clusters on loopback ("demo" with three nodes, "lab" with one) and a config
 * that reaches them through the real client: HTTPS with the simulator's certificate pinned by
 * fingerprint, the real token header. Nothing about the MCP server knows it is a demo.
 */
export async function startDemoClusters(): Promise<DemoClusters> {
  const demo = await startSimulator({ clusterName: 'demo', nodes: ['pve1', 'pve2', 'pve3'] });
  const lab = await startSimulator({ clusterName: 'lab', nodes: ['lab1'], seed: 'demo' });
  return {
    config: {
      source: 'built-in simulator (proxmox-mcp demo)',
      defaultCluster: 'demo',
      clusters: [simulatedCluster('demo', demo), simulatedCluster('lab', lab)],
    },
    simulators: [demo, lab],
    close: async () => {
      await Promise.all([demo.close(), lab.close()]);
    },
  };
}
