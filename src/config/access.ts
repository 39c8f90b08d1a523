import { ConfigError } from './errors.js';
import type { AccessEntry } from './schema.js';
import { ROLES, type AccessSetting, type LoadedConfig } from './types.js';

/** The claim a person's role is read from when `access.claims` is not given (Keycloak's, Authentik's…). */
export const DEFAULT_ROLE_CLAIMS = ['groups'];

/** `access` as written → resolved, with where it was set (quoted in refusals). */
export function resolveAccess(entry: AccessEntry, source: string): AccessSetting {
  return {
    claims: entry.claims ?? DEFAULT_ROLE_CLAIMS,
    roles: {
      admin: entry.roles.admin ?? [],
      operator: entry.roles.operator ?? [],
      reader: entry.roles.reader ?? [],
    },
    source,
  };
}

/** What to add to clusters.json, shown when OAuth is switched on without any `access`. */
export const ACCESS_SNIPPET = `  "access": {
    "claims": ["groups"],
    "roles": { "admin": ["pve-admins"], "operator": ["pve-operators"], "reader": ["pve-readers"] }
  }`;

/**
 * For the HTTP start-up in OAuth mode (cli/serve.ts): people who sign in get the role clusters.json
 * gives them, so a configuration that gives none is refused rather than guessed (an admin-for-all
 * default would be silent). With `access` somewhere, returns one line per cluster that has none:
 * nobody signed in can use it, which start-up should say.
 */
export function checkAccessForOAuth(config: LoadedConfig): string[] {
  const without = config.clusters.filter((c) => !c.access).map((c) => c.name);
  if (without.length === config.clusters.length) {
    const where =
      config.source === 'environment'
        ? 'The clusters come from the environment (PROXMOX_URL/PROXMOX_TOKEN), which cannot say who may do what: use a clusters.json'
        : `Add to ${config.source}`;
    throw new ConfigError(
      [
        'OAuth sign-in is on (MCP_OAUTH_ISSUER), but no cluster says what signed-in people may do: there is no "access" in the configuration.',
        `${where}, at the top level (every cluster) or under a cluster (that cluster only), e.g.:`,
        ACCESS_SNIPPET,
        `A person's role on a cluster is the highest of ${ROLES.join(' > ')} whose list holds one of their values of the "claims" (${DEFAULT_ROLE_CLAIMS.join(', ')} by default); "*" means anyone signed in. Nobody matched: no access.`,
      ].join('\n'),
    );
  }
  return without.map(
    (name) =>
      `cluster "${name}" has no "access" (neither its own nor a top-level one): nobody signed in over OAuth can use it`,
  );
}
