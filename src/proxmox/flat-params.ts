/**
 * What PVE takes as parameters: flat values. Every parameter in the API schema is a string, number,
 * boolean, or an array of those (repeated form keys, `-list` formats); structured settings travel as
 * property strings (`net0: "virtio,bridge=vmbr0"`). Anything deeper has no meaning to PVE, and a
 * structure nested thousands of levels deep would overflow whatever walks it (redaction, encoding,
 * rendering), so it is refused before guards, the audit record or the encoder see it.
 *
 * Both checks look at a fixed number of levels and never recurse: they are safe on any input.
 */

export type FlatScalar = string | number | boolean;

const isScalar = (v: unknown): v is FlatScalar =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

const HOW =
  'PVE takes flat values (a string, number or boolean, or a list of those); write structured settings as a property string, e.g. "virtio,bridge=vmbr0"';

/** What is wrong with one parameter's value, or undefined when PVE can take it. */
export function flatValueProblem(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null || isScalar(value)) return undefined;
  const shown = JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);
  if (Array.isArray(value)) {
    const bad = value.findIndex((v) => !isScalar(v));
    if (bad === -1) return undefined;
    return `parameter ${shown} is a list holding ${kind(value[bad])} at position ${bad}: ${HOW}`;
  }
  return `parameter ${shown} is ${kind(value)}: ${HOW}`;
}

/** The first parameter PVE could not take, described for the model; undefined when all are flat. */
export function flatParamsProblem(params: Record<string, unknown>): string | undefined {
  for (const [name, value] of Object.entries(params)) {
    const problem = flatValueProblem(name, value);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * The check on a tool argument (proxmox_api_call `data`): flat values as above, or an object of flat
 * scalars, which the schema pre-flight writes as the property string PVE takes (`{model: "virtio",
 * bridge: "vmbr0"}` for a `net0`-like parameter); anything deeper is refused before any tool code runs.
 */
export function flatArgumentProblem(name: string, value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const inner = Object.values(value as Record<string, unknown>);
    if (inner.every((v) => v === undefined || v === null || isScalar(v))) return undefined;
  }
  return flatValueProblem(name, value);
}

function kind(v: unknown): string {
  if (Array.isArray(v)) return 'a nested list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

/**
 * A parameter value as shown in logs, audit lines and questions: scalars and lists of scalars as
 * they are, anything deeper as a short label (it was refused, and walking it could overflow).
 */
export function shownValue(value: unknown): unknown {
  if (value === null || isScalar(value)) return value;
  if (Array.isArray(value)) return value.every(isScalar) ? [...value] : '[not flat: nested list]';
  if (typeof value === 'object') return '[not flat: object]';
  return `[${typeof value}]`;
}
