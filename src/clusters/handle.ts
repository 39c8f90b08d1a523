import type { ClusterConfig } from '../config/types.js';
import type { ProxmoxClient } from '../proxmox/client.js';

/**
 * One configured cluster and its client. Its own module so that what works on a handle
 * (clusters/schema-access.ts) does not import the registry that creates handles.
 */
export interface ClusterHandle {
  name: string;
  config: ClusterConfig;
  client: ProxmoxClient;
}
