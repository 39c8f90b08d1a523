import type { DescribeMiss, DescribeResult, MethodDoc, ParamDoc } from './describe.js';

// The text half of proxmox_api_describe: one line per parameter, required ones first, long
// enums collapsed, path variables left out (the path line shows them once).

export interface RenderOptions {
  /** Parameters listed per method before "… N more" (qemu create has ~150). Default 60. */
  maxParams?: number;
  /** Enum values shown before collapsing. Default 12. */
  maxEnum?: number;
}

function renderEnum(values: ReadonlyArray<string | number>, max: number): string {
  if (values.length <= max) return values.join('|');
  return `${values.slice(0, max - 2).join('|')}|… (+${values.length - (max - 2)} more)`;
}

function renderParam(p: ParamDoc, maxEnum: number): string {
  let name = p.name;
  if (p.indexRange) name += ` (n=${p.indexRange[0]}..${p.indexRange[1]})`;
  const facts: string[] = [p.enum ? renderEnum(p.enum, maxEnum) : p.type];
  if (p.format === 'property-string') {
    facts.push(
      p.typetext ? `property string: ${p.typetext}` : `property string: ${p.keys?.join(', ') ?? ''}`,
    );
  } else if (p.format) facts.push(`format ${p.format}`);
  if (p.min !== undefined || p.max !== undefined) facts.push(`${p.min ?? ''}..${p.max ?? ''}`);
  if (p.maxLength !== undefined) facts.push(`max ${p.maxLength} chars`);
  if (p.pattern) facts.push(`pattern ${p.pattern}`);
  if (p.default !== undefined) facts.push(`default ${JSON.stringify(p.default)}`);
  const required = p.required ? ' (required)' : '';
  return `    ${name}${required}: ${facts.join(', ')}${p.description ? ` — ${p.description}` : ''}`;
}

function renderMethod(result: DescribeResult, m: MethodDoc, opts: Required<RenderOptions>): string[] {
  const lines = [`${m.method} ${result.template}${m.name ? `  [${m.name}]` : ''}`];
  if (m.summary) lines.push(`  ${m.summary}`);
  lines.push(`  permission: ${m.permissions}${m.allowtoken ? '' : ' (API tokens refused: needs a ticket)'}`);
  lines.push(`  returns: ${m.returns}`);
  if (m.parameters.length === 0) lines.push('  parameters: none');
  else {
    lines.push('  parameters:');
    for (const p of m.parameters.slice(0, opts.maxParams)) lines.push(renderParam(p, opts.maxEnum));
    const rest = m.parameters.length - opts.maxParams;
    if (rest > 0) {
      const names = m.parameters.slice(opts.maxParams).map((p) => p.name);
      lines.push(`    … ${rest} more: ${names.join(', ')}`);
    }
  }
  return lines;
}

export function renderDescribe(result: DescribeResult | DescribeMiss, options: RenderOptions = {}): string {
  if (!result.found) {
    const hint = result.suggestions.length
      ? `\nDid you mean:\n${result.suggestions.map((s) => `  ${s}`).join('\n')}`
      : '';
    return `No API path matches '${result.path}'.${hint}`;
  }
  const opts: Required<RenderOptions> = {
    maxParams: options.maxParams ?? 60,
    maxEnum: options.maxEnum ?? 12,
  };
  const lines: string[] = [];
  const bound = Object.entries(result.pathParams).map(([k, v]) => `${k}=${v}`);
  const vars = [...bound, ...result.unbound.map((k) => `${k}=?`)];
  lines.push(`path ${result.template}${vars.length ? `  (${vars.join(', ')})` : ''}`);
  if (result.missingMethod) {
    const avail = result.availableMethods.join(', ') || 'none';
    lines.push(`${result.missingMethod} is not available on this path; methods: ${avail}`);
  }
  for (const m of result.methods) lines.push('', ...renderMethod(result, m, opts));
  if (result.children.length > 0) {
    // Relative to this path: "agent, clone, config, …" instead of repeating the whole prefix.
    const rel = result.children.map((c) =>
      c.startsWith(`${result.template}/`) ? c.slice(result.template.length + 1) : c,
    );
    const shown = rel.slice(0, 60);
    const more = rel.length - shown.length;
    lines.push(
      '',
      `sub-paths (under ${result.template}/): ${shown.join(', ')}${more > 0 ? `, … +${more}` : ''}`,
    );
  }
  if (result.methods.length === 0 && !result.missingMethod && result.children.length === 0) {
    lines.push('This path has no methods and no sub-paths.');
  }
  return lines.join('\n');
}
