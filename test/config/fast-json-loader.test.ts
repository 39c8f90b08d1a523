import { defaultLoaders } from 'cosmiconfig';
import { describe, expect, it } from 'vitest';
import { fastJsonLoader } from '../../src/config/fast-json-loader.js';

/**
 * The config file's JSON loader skips cosmiconfig's (parse-json and its code-frame dependencies) when
 * the file parses; it must give what cosmiconfig's gives in both cases.
 */
const loader = fastJsonLoader(defaultLoaders);
const cosmiconfigs = defaultLoaders['.json']!;

describe('the config JSON loader', () => {
  it.each([
    '{"clusters":{"pve":{"url":"https://pve:8006","token_secret":"a\\u0041"}},"read_only":true}',
    '  [1, 2.5e3, null, "x"]\n',
    '{"a":{"__proto__":{"polluted":1}}}',
  ])('parses %s as cosmiconfig does', async (text) => {
    expect(await loader('/x/clusters.json', text)).toEqual(await cosmiconfigs('/x/clusters.json', text));
  });

  it.each(['{"clusters": {', "{'single': 'quotes'}", '{"a": 1,}', '\ufeff{"bom": true}'])(
    'leaves %j to cosmiconfig, whose error (file, position, code frame) is what the user sees',
    async (text) => {
      const ours = await captured(() => loader('/x/clusters.json', text));
      const theirs = await captured(() => cosmiconfigs('/x/clusters.json', text));
      expect(ours).toBeInstanceOf(Error);
      expect((ours as Error).message).toBe((theirs as Error).message);
    },
  );
});

async function captured(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
    return undefined;
  } catch (err) {
    return err;
  }
}
