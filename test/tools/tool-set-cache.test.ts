import { expect, it } from 'vitest';
import { allTools } from '../../src/tools/index.js';
import { buildToolSet } from '../../src/tools/registry.js';

/** The HTTP transport builds a server per session; the JSON Schemas must not be rebuilt each time. */
it('builds each tool once per cluster view and reuses it', () => {
  const view = { names: ['a', 'b'], defaultCluster: 'a', allReadOnly: false };
  const first = buildToolSet(allTools, view);
  const again = buildToolSet(allTools, { ...view, names: [...view.names] });
  expect(again.map((t) => t.listing)).toEqual(first.map((t) => t.listing));
  again.forEach((t, i) => expect(t.listing).toBe(first[i]!.listing));

  const otherNames = buildToolSet(allTools, { ...view, names: ['a', 'c'] });
  const list = (ts: typeof first) => ts.find((t) => t.definition.name === 'list_nodes')!.listing;
  expect(list(otherNames)).not.toBe(list(first));
  expect(JSON.stringify(list(otherNames).inputSchema)).toContain('a, c');

  const readOnly = buildToolSet(allTools, { ...view, allReadOnly: true });
  expect(readOnly.length).toBeLessThan(first.length);
  expect(buildToolSet(allTools, { ...view, allReadOnly: true }).map((t) => t.listing)).toEqual(
    readOnly.map((t) => t.listing),
  );
});
