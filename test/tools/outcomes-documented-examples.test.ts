import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/**
 * The README's tool-call examples are valid against the input schema each tool lists (what a
 * schema-driven client such as the Inspector builds its form from) and are accepted by the server:
 * docs, listed schema and parser cannot drift apart (`wait: true` was documented but listed as an
 * integer only).
 */
function documentedExamples(): Array<{ line: string; tool: string; args: Record<string, unknown> }> {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const block = /<!-- tool-examples:start -->\s*```text\n([\s\S]*?)```\s*<!-- tool-examples:end -->/.exec(
    readme,
  );
  expect(block, 'README tool-examples block').not.toBeNull();
  return block![1]!
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => {
      const m = /^([a-z_]+) (\{.*\})$/.exec(line.trim());
      expect(m, `example line: ${line}`).not.toBeNull();
      return { line, tool: m![1]!, args: JSON.parse(m![2]!) as Record<string, unknown> };
    });
}

describe('documented tool examples', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('validate against the listed input schemas and are accepted by the server', async () => {
    const { tools } = await h.client.listTools();
    const ajv = new Ajv({ strict: false });
    const examples = documentedExamples();
    expect(examples.length).toBeGreaterThan(5);
    for (const ex of examples) {
      const tool = tools.find((t) => t.name === ex.tool);
      expect(tool, ex.line).toBeDefined();
      const validate = ajv.compile(tool!.inputSchema);
      expect(validate(ex.args), `${ex.line}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      const r = await h.call(ex.tool, ex.args);
      expect(textOf(r), ex.line).not.toMatch(/^Invalid arguments/);
    }
  });

  it('wait is listed as seconds or a boolean, and null (an empty form field) means the default', async () => {
    const { tools } = await h.client.listTools();
    const ajv = new Ajv({ strict: false });
    for (const name of ['guest_action', 'proxmox_api_call']) {
      const schema = tools.find((t) => t.name === name)!.inputSchema;
      const validate = ajv.compile(schema);
      const base = name === 'guest_action' ? { vmid: 102, action: 'start' } : { path: '/version' };
      for (const wait of [true, false, 0, 30]) {
        expect(validate({ ...base, wait }), `${name} wait=${String(wait)}`).toBe(true);
      }
      expect(validate({ ...base, wait: 601 })).toBe(false);
      expect(validate({ ...base, wait: 'soon' })).toBe(false);
    }
    const r = await h.call('proxmox_api_call', { path: '/version', wait: null });
    expect(r.isError, textOf(r)).toBeFalsy();
  });
});
