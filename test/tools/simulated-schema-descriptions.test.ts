import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

// On the demo, proxmox_api_describe answers from the simulator's own schema, which carries no PVE
// prose. Without descriptions of our own, a model reading "full: boolean" or "mode: snapshot|suspend|stop"
// on the clone, create, backup and restore endpoints had to guess what they do. These are the
// parameters a caller of those endpoints decides on; each must come with a few words, and only a few:
// the model pays for every byte of a describe answer.

interface DescribedParam {
  name: string;
  description: string;
}
interface DescribeAnswer {
  endpoint?: { methods: Array<{ method: string; parameters: DescribedParam[] }> };
}

const KEY_PARAMETERS: Array<{ path: string; method: 'POST'; params: string[] }> = [
  {
    path: '/nodes/{node}/qemu/{vmid}/clone',
    method: 'POST',
    params: ['newid', 'full', 'target', 'storage', 'pool', 'format'],
  },
  {
    path: '/nodes/{node}/lxc',
    method: 'POST',
    params: ['ostemplate', 'rootfs', 'net[n]', 'storage', 'unprivileged', 'password', 'start'],
  },
  {
    path: '/nodes/{node}/vzdump',
    method: 'POST',
    params: ['vmid', 'storage', 'mode', 'compress', 'remove', 'notes-template'],
  },
  // Restoring a VM backup is a create with `archive`.
  { path: '/nodes/{node}/qemu', method: 'POST', params: ['archive', 'storage', 'unique', 'force', 'start'] },
];

/** Longer than this and the description is a paragraph, not a hint. */
const MAX_DESCRIPTION = 80;

describe('describe on the demo explains the key parameters of clone, create, backup and restore', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it.each(KEY_PARAMETERS)('$method $path', async ({ path, method, params }) => {
    const r = await h.call('proxmox_api_describe', { path, method });
    expect(r.isError, textOf(r)).toBeFalsy();
    const answer = r.structuredContent as DescribeAnswer;
    const described = answer.endpoint?.methods.find((m) => m.method === method)?.parameters ?? [];
    const byName = new Map(described.map((p) => [p.name, p.description]));
    const text = textOf(r);
    for (const name of params) {
      const about = byName.get(name);
      expect(about, `${name}: no description`).toBeTruthy();
      expect(about?.length ?? 0, `${name}: ${about}`).toBeLessThanOrEqual(MAX_DESCRIPTION);
      // The text the model reads carries it too, on the parameter's line.
      const line = text.split('\n').find((l) => l.trimStart().startsWith(`${name}`));
      expect(line, `${name} line in:\n${text}`).toContain(`— ${about ?? ''}`);
    }
  });
});
