import type { ApiMethodInfo, PropertySchema } from './types.js';

// Which methods answer with a task UPID. The schema has no flag for it: a forked worker's UPID is
// declared as a bare `returns: {type: 'string'}`, sometimes described as "the task ID." or "UPID of
// the worker". In the 9.2 schema every non-GET method returning a plain string is such a worker,
// except those whose description names another kind of value (a URL, a volume ID) or that carry a
// `format` (a MAC address), plus two known non-workers: the QEMU monitor (returns the HMP output)
// and the SDN lock (returns the lock token). GET handlers never fork workers.

const NON_TASK_NAMES = new Set(['monitor', 'lock']);

export function returnsTask(method: string, info: ApiMethodInfo): boolean {
  const r = info.returns;
  if (method.toUpperCase() === 'GET' || !r || r.type !== 'string') return false;
  if (r.format !== undefined || r.enum !== undefined || r.pattern !== undefined) return false;
  if (r.description && !/\bupid\b|\btask\b/i.test(r.description)) return false;
  return !NON_TASK_NAMES.has(info.name ?? '');
}

function keysOf(schema: PropertySchema | undefined, max: number): string {
  const keys = Object.keys(schema?.properties ?? {});
  if (keys.length === 0) return '';
  const shown = keys.slice(0, max).join(', ');
  return ` {${shown}${keys.length > max ? `, … +${keys.length - max}` : ''}}`;
}

/** One short line: "task UPID (string)", "array of {vmid, status, name, …}", "null". */
export function summarizeReturns(method: string, info: ApiMethodInfo): string {
  if (returnsTask(method, info)) return 'task UPID (string); poll /nodes/{node}/tasks/{upid}/status';
  const r = info.returns;
  if (!r || !r.type) return 'unspecified';
  const type = Array.isArray(r.type) ? r.type.join('|') : r.type;
  if (type === 'array') {
    const items = r.items && typeof r.items === 'object' ? r.items : undefined;
    return `array of ${items?.type ?? 'any'}${keysOf(items, 10)}`;
  }
  if (type === 'object') return `object${keysOf(r, 12)}`;
  return r.description ? `${type}: ${r.description.replace(/\s+/g, ' ').slice(0, 80)}` : type;
}
