import { getClusterResources } from './get-cluster-resources.js';
import { getGuest } from './get-guest.js';
import { getTask } from './get-task.js';
import { guestAction } from './guest-action.js';
import { guestExec } from './guest-exec.js';
import { guestFileRead } from './guest-file-read.js';
import { guestFileWrite } from './guest-file-write.js';
import { listClusters } from './list-clusters.js';
import { listNodes } from './list-nodes.js';
import { proxmoxApiCall } from './proxmox-api-call.js';
import { proxmoxApiDescribe } from './proxmox-api-describe.js';
import type { ToolDefinition } from './types.js';

/** The one list of tools. Transports, docs (`proxmox-mcp tools`) and filters all read it. */
export const allTools: ToolDefinition[] = [
  listClusters,
  listNodes,
  getClusterResources,
  getGuest,
  guestAction,
  guestExec,
  guestFileRead,
  guestFileWrite,
  getTask,
  proxmoxApiDescribe,
  proxmoxApiCall,
];

export type { ToolDefinition } from './types.js';
