import type { Totals } from '../../src/tools/resource-rows.js';

/** get_cluster_resources' structuredContent, as the tests read it: totals, a page of rows, paging. */
export type ResourcesAnswer = Totals & {
  total: number;
  offset: number;
  next_offset?: number;
  truncated: boolean;
  resources: Array<Record<string, unknown>>;
};
