import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessForOAuth } from '../../src/config/access.js';
import { ConfigError } from '../../src/config/errors.js';
import { resolveConfigFile } from '../../src/config/load.js';
import { checkCluster } from '../../src/doctor/check-cluster.js';
import { simulatedCluster } from '../../src/commands/demo.js';
import { startSimulator, type Simulator } from '../../src/simulator/testing/index.js';

/**
 * clusters.json `access` and `token_from`: validated with errors that name the key and what to write,
 * inherited like the other top-level settings, and `check` explains a cluster that holds no token.
 */

const SECRET = '3f0e2a9c-1b7d-4c6e-9a58-0d2b4e6f8a1c';
const entry = { url: 'pve1.example.com', user: 'mcp@pve', token_id: 'mcp', token_secret: SECRET };
const resolve = (file: unknown) => resolveConfigFile(file, '/etc/pmcp/clusters.json', {});
const problem = (file: unknown): string => {
  try {
    resolve(file);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('access', () => {
  it('top level for every cluster, a cluster of its own replacing it as a whole; claims default to groups', () => {
    const config = resolve({
      access: { roles: { admin: ['pve-admins'], reader: ['*'] } },
      clusters: {
        prod: entry,
        lab: { ...entry, access: { claims: ['roles'], roles: { operator: ['ops'] } } },
      },
    });
    const [prod, lab] = config.clusters;
    expect(prod!.access).toEqual({
      claims: ['groups'],
      roles: { admin: ['pve-admins'], operator: [], reader: ['*'] },
      source: 'top-level access in /etc/pmcp/clusters.json',
    });
    expect(lab!.access).toEqual({
      claims: ['roles'],
      roles: { admin: [], operator: ['ops'], reader: [] },
      source: 'access of cluster "lab" in /etc/pmcp/clusters.json',
    });
  });

  it('a misspelt key is named with the key meant, where it is', () => {
    expect(problem({ access: { role: {} }, clusters: { prod: entry } })).toContain(
      'access: unknown key "role" (did you mean "roles"?)',
    );
    expect(problem({ clusters: { prod: { ...entry, access: { roles: { admins: ['x'] } } } } })).toContain(
      'clusters.prod.access.roles: unknown key "admins" (did you mean "admin"?)',
    );
    expect(problem({ access: { claims: [], roles: {} }, clusters: { prod: entry } })).toContain(
      'access.claims: names no claim',
    );
  });

  it('OAuth without access anywhere is refused with the snippet to add; a cluster left without one is reported', () => {
    const none = resolve({ clusters: { prod: entry } });
    let message = '';
    try {
      checkAccessForOAuth(none);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('there is no "access" in the configuration');
    expect(message).toContain('Add to /etc/pmcp/clusters.json');
    expect(message).toContain(
      '"roles": { "admin": ["pve-admins"], "operator": ["pve-operators"], "reader": ["pve-readers"] }',
    );
    const some = resolve({
      clusters: { prod: { ...entry, access: { roles: { admin: ['a'] } } }, lab: entry },
    });
    expect(checkAccessForOAuth(some)).toEqual([
      'cluster "lab" has no "access" (neither its own nor a top-level one): nobody signed in over OAuth can use it',
    ]);
  });
});

describe('token_from', () => {
  it('"user" needs no token and takes none: a token given anyway is refused at its key', () => {
    const config = resolve({ clusters: { lab: { url: 'pve-lab.example.com', token_from: 'user' } } });
    expect(config.clusters[0]).toMatchObject({ tokenFrom: 'user', user: '', tokenId: '', tokenSecret: '' });
    const msg = problem({ clusters: { lab: { url: 'pve-lab', token_from: 'user', token_id: 'mcp' } } });
    expect(msg).toContain('clusters.lab.token_id: must be left out: token_from is "user"');
    expect(msg).toContain('X-Proxmox-Token');
  });

  it('another value, or a missing user without it, says what to write', () => {
    expect(problem({ clusters: { lab: { ...entry, token_from: 'person' } } })).toContain(
      'clusters.lab.token_from: must be "user"',
    );
    const { user: _user, ...noUser } = entry;
    expect(problem({ clusters: { lab: noUser } })).toContain(
      'clusters.lab.user: is required: the PVE user of the API token, e.g. "mcp@pve" (or set token_from: "user"',
    );
  });

  it("the README's example configuration loads as it is", () => {
    const readme = readFileSync('README.md', 'utf8');
    const at = readme.indexOf('**Roles per person.**');
    const block = /```json\n([\s\S]*?)\n```/.exec(readme.slice(at));
    expect(at, 'README section "Roles per person"').toBeGreaterThan(0);
    const config = resolveConfigFile(JSON.parse(block![1]!), '/etc/pmcp/clusters.json', {
      PVE_PROD_TOKEN_SECRET: SECRET,
    });
    expect(config.clusters.map((c) => [c.name, c.tokenFrom ?? 'config', c.access?.source])).toEqual([
      ['prod', 'config', 'access of cluster "prod" in /etc/pmcp/clusters.json'],
      ['lab', 'user', 'top-level access in /etc/pmcp/clusters.json'],
    ]);
  });
});

describe('check on a token_from "user" cluster', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(() => sim?.close());

  it('skips the token and privilege steps saying why, still checks the schema, and calls it usable', async () => {
    const cluster = simulatedCluster('lab', sim, {
      tokenFrom: 'user',
      user: '',
      tokenId: '',
      tokenSecret: '',
    });
    const report = await checkCluster(
      cluster,
      { kind: 'file', file: 'clusters.json' },
      {
        budgetMs: 10_000,
        userAgent: 'test',
      },
    );
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(byId.token).toMatchObject({ status: 'skip' });
    expect(byId.token!.summary).toContain('token_from is "user"');
    expect(byId.privileges!.status).toBe('skip');
    expect(byId.schema!.status).toBe('ok');
    expect(report.token).toBe('each person\'s own (token_from "user")');
    expect(report.usable).toBe(true);
    expect(sim.requests.filter((q) => q.path.startsWith('/api2/'))).toEqual([]);
  });
});
