import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { junkKey, junkValue } from './junk.js';
import type { Rng } from './prng.js';

/** One fuzzed tools/call: its params and what was broken on purpose, for checking the answer. */
export interface FuzzCall {
  tool: string;
  /** The tools/call params as sent (may not even be an object). */
  params: unknown;
  /** What the mutation did, for the failure message. */
  mutation: string;
  /** Argument keys replaced by junk, removed or added: a refusal must name one of them. */
  broken: string[];
  /** The whole `arguments` or `name` was replaced: only a JSON-RPC -32602 is a proper answer. */
  shapeBroken?: 'arguments' | 'name';
}

interface PropSchema {
  /** A list where a field takes several types (wait: ["integer", "boolean"]): the first is used. */
  type?: string | string[];
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  items?: PropSchema;
}

// Known-good values for the string arguments the tools take; each property gets those that fit its
// schema, so an unmutated call passes validation and reaches the handler (and the simulator).
const PLAUSIBLE_STRINGS = [
  'demo',
  '*',
  'pve1',
  'pve2',
  'running',
  'vmid',
  'name',
  'status',
  'rollback snapshot',
  '/version',
  '/nodes',
  '/cluster/resources',
  '/nodes/pve1/qemu',
  '/nodes/pve1/qemu/100/status/current',
  '/nodes/pve1/qemu/100/snapshot',
  '/nodes/pve2/lxc/201/config',
  'UPID:pve1:0001A2B3:00C0FFEE:67A0B1C2:qmstart:100:root@pam!mcp:',
];

// Mostly 0: `wait` and `wait_seconds` are seconds to wait for a task, and the run must stay fast.
const PLAUSIBLE_NUMBERS = [0, 0, 0, 0, 1, 2, 5, 100, 101, 103, 200, 201, 202, 999];

function plausible(schema: PropSchema, rng: Rng): unknown {
  if (schema.enum?.length) return rng.pick(schema.enum);
  switch (Array.isArray(schema.type) ? schema.type[0] : schema.type) {
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? -Infinity;
      const max = schema.maximum ?? Infinity;
      const fits = PLAUSIBLE_NUMBERS.filter((n) => n >= min && n <= Math.min(max, 5));
      return fits.length && rng.chance(0.7)
        ? rng.pick(fits)
        : rng.pick(PLAUSIBLE_NUMBERS.filter((n) => n >= min && n <= max).concat(Math.max(min, 0)));
    }
    case 'boolean':
      return rng.chance(0.5);
    case 'array': {
      const n = rng.int(schema.minItems ?? 0, 3);
      return Array.from({ length: n }, () => plausible(schema.items ?? { type: 'string' }, rng));
    }
    case 'object':
      return rng.pick([{}, { vmid: 100 }, { snapname: 'fuzz', vmstate: 0 }, { full: 1 }]);
    default: {
      const re = schema.pattern ? new RegExp(schema.pattern, 'u') : undefined;
      const fits = PLAUSIBLE_STRINGS.filter(
        (s) =>
          (!re || re.test(s)) &&
          s.length >= (schema.minLength ?? 0) &&
          s.length <= (schema.maxLength ?? Infinity),
      );
      return fits.length ? rng.pick(fits) : 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    }
  }
}

/** Own property even for "__proto__", as JSON.parse makes it (plain assignment would set the prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Valid arguments for `tool`: every required key, some optional ones. */
export function plausibleArgs(tool: Tool, rng: Rng): Record<string, unknown> {
  const props = (tool.inputSchema.properties ?? {}) as Record<string, PropSchema>;
  const required = new Set(tool.inputSchema.required ?? []);
  const args: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(props)) {
    if (required.has(key) || rng.chance(0.5)) args[key] = plausible(schema, rng);
  }
  return args;
}

/** A tools/call for one of `tools` with one to three things broken (or, sometimes, nothing). */
export function fuzzCall(tools: readonly Tool[], rng: Rng): FuzzCall {
  const tool = rng.pick(tools);
  const args = plausibleArgs(tool, rng);
  const keys = Object.keys((tool.inputSchema.properties ?? {}) as object);
  const required = tool.inputSchema.required ?? [];
  const roll = rng.next();

  if (roll < 0.08) {
    // The whole `arguments` is not an object: a protocol-level error, not a tool error.
    const junk = rng.pick<unknown>([null, [], [args], 'vmid=100', 0, -0, true, false, 1e308]);
    return {
      tool: tool.name,
      params: { name: tool.name, arguments: junk },
      mutation: `arguments = ${describe(junk)}`,
      broken: [],
      shapeBroken: 'arguments',
    };
  }
  if (roll < 0.12) {
    const name = junkValue(rng);
    const broken = typeof name === 'string' ? 'unknown tool name' : 'name not a string';
    return {
      tool: tool.name,
      params: { name, arguments: args },
      mutation: `name = ${describe(name)} (${broken})`,
      broken: [],
      ...(typeof name === 'string' ? {} : { shapeBroken: 'name' as const }),
    };
  }
  if (roll < 0.15) {
    // Leaving arguments out is allowed by MCP and means {}.
    return { tool: tool.name, params: { name: tool.name }, mutation: 'no arguments', broken: [...required] };
  }
  if (roll < 0.25) {
    return { tool: tool.name, params: { name: tool.name, arguments: args }, mutation: 'none', broken: [] };
  }

  const broken: string[] = [];
  const steps: string[] = [];
  for (let i = rng.int(1, 3); i > 0; i--) {
    const what = rng.next();
    if (what < 0.6 && keys.length) {
      const key = rng.pick(keys);
      const value = junkValue(rng);
      setOwn(args, key, value);
      broken.push(key);
      steps.push(`${key} = ${describe(value)}`);
    } else if (what < 0.75 && required.length) {
      const key = rng.pick(required);
      delete args[key];
      broken.push(key);
      steps.push(`without ${key}`);
    } else {
      const key = junkKey(rng);
      setOwn(args, key, junkValue(rng));
      broken.push(key);
      steps.push(`extra key ${describe(key)}`);
    }
  }
  return {
    tool: tool.name,
    params: { name: tool.name, arguments: args },
    mutation: steps.join(', '),
    broken,
  };
}

/** A short, printable description of a junk value (never the megabyte itself). */
export function describe(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > 300
      ? `${JSON.stringify(value.slice(0, 200))}… (${value.length} chars)`
      : JSON.stringify(value);
  }
  if (Object.is(value, -0)) return '-0';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `array(${value.length})`;
  if (value && typeof value === 'object') return `object(${Object.keys(value).length} keys)`;
  return String(value);
}
