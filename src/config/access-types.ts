// Its own module, importing nothing: the policy (safety/roles.ts) and the config types both use it.

export type Role = 'admin' | 'operator' | 'reader';
/** Highest first: a person's role is the first of these whose list matches them. */
export const ROLES: readonly Role[] = ['admin', 'operator', 'reader'];

/** `access` after resolution: claim names, each role's claim values, and where it was set. */
export interface AccessSetting {
  claims: string[];
  roles: Record<Role, string[]>;
  /** e.g. `top-level access in /etc/pmcp/clusters.json`; quoted in refusals. */
  source: string;
}
