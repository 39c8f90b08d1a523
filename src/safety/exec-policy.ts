import { toFormPairs, type Params } from '../proxmox/encode.js';

/**
 * Rules for commands run inside guests through the QEMU guest agent (`POST …/qemu/{vmid}/agent/exec`),
 * judged in the one policy evaluation every request passes (policy.ts), so guest_exec and a raw
 * proxmox_api_call meet the same rules.
 *
 * What is judged is the command as PVE receives it: the `command` parameter as sent (each list element
 * one argument; a single string is ONE argument, because PVE wraps a scalar into a one-element array
 * and QGA runs it as the program name, never through a shell).
 *
 * A pattern is written like a command line and split with splitCommand (below). Each word matches one
 * argument: `*` as a whole word matches any one argument, and as the LAST word any number of remaining
 * arguments, none included (`df *` allows `df`, `df -h`, `df -h /`); `*` inside a word matches any
 * characters except "/" (`/var/log/*.log`). The program (first word) is compared by its basename when
 * the pattern names a bare program (`df` matches `/usr/bin/df`).
 *
 * Shells, interpreters and programs that run other programs (`sh`, `bash`, `python`, `perl`, `env`,
 * `sudo`, `xargs`…), `find -exec`, and shell operators in any argument (`;`, `&&`, `||`, `|`, backticks,
 * `$(`, `>`, `<`, newline) are refused unless the rule that lets the command through names them
 * literally: its first word is that program without a wildcard (`sh -c *`), and the operator appears in
 * its text. A wildcard alone never opens a shell.
 */

export interface ExecEntry {
  allow?: string[];
  deny?: string[];
  confirm?: string[];
  read_only_allow?: string[];
}

export interface ExecRule {
  text: string;
  /** e.g. `policy.exec.allow[0] in /etc/pmcp/clusters.json` */
  source: string;
  matches(argv: readonly string[]): boolean;
  /** Whether this rule names the risky program or operator literally (see above). */
  names(risk: ExecRisk): boolean;
}

export interface ExecPolicy {
  /** Undefined: no allow-list (commands no rule names ask for confirmation). */
  allow?: ExecRule[];
  allowSource?: string;
  deny: ExecRule[];
  confirm: ExecRule[];
  /** What may run on a read-only cluster (nothing by default). */
  readOnlyAllow: ExecRule[];
}

export type ExecRisk = { kind: 'program'; name: string } | { kind: 'operator'; text: string };

export type ExecVerdict =
  | { verdict: 'deny'; rule: ExecRule }
  | { verdict: 'risky'; risks: ExecRisk[] }
  | { verdict: 'read-only' }
  | { verdict: 'not-allowed'; source: string; allowed: string[] }
  | { verdict: 'confirm'; rule: { text: string; source: string } }
  | { verdict: 'ok'; rule: ExecRule };

export const DEFAULT_EXEC_CONFIRM = {
  text: 'every guest command (no exec rule names it)',
  source: 'built-in default: policy.exec',
};

const SHELLS = new Set('sh bash dash zsh ksh mksh csh tcsh fish ash busybox cmd powershell pwsh'.split(' '));
const INTERPRETER =
  /^(python[0-9.]*|perl[0-9.]*|ruby[0-9.]*|node|nodejs|php[0-9.]*|lua[0-9.]*|tclsh|expect|awk|gawk|mawk|nawk|cscript|wscript)$/;
const RUNS_OTHERS = new Set(
  'env sudo su doas runuser nohup setsid timeout nice ionice xargs chroot stdbuf time watch script strace systemd-run flock nsenter'.split(
    ' ',
  ),
);
const FIND_EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir']);
const OPERATORS = [';', '&&', '||', '|', '`', '$(', '${', '>', '<', '\n'];

/** `/usr/bin/Python3.exe` → `python3.exe` → `python3`: how a program is recognised. */
export function programName(arg: string): string {
  const base = arg.split(/[/\\]/).pop() ?? arg;
  return base.toLowerCase().replace(/\.exe$/, '');
}

/** What makes a command more than one program with literal arguments. */
export function execRisks(argv: readonly string[]): ExecRisk[] {
  const risks: ExecRisk[] = [];
  const program = argv[0] === undefined ? '' : programName(argv[0]);
  if (SHELLS.has(program) || INTERPRETER.test(program) || RUNS_OTHERS.has(program))
    risks.push({ kind: 'program', name: program });
  if (program === 'find' && argv.some((a) => FIND_EXEC.has(a)))
    risks.push({ kind: 'program', name: 'find -exec' });
  for (const op of OPERATORS)
    if (argv.some((a) => a.includes(op))) risks.push({ kind: 'operator', text: op });
  return risks;
}

export function describeRisk(r: ExecRisk): string {
  if (r.kind === 'program') return `"${r.name}" runs other code`;
  return `the shell operator ${JSON.stringify(r.text)}`;
}

/**
 * How a command written as one string becomes arguments, here and in patterns: split on whitespace;
 * '…' and "…" group words with spaces and are removed; nothing else is special (no escapes,
 * variables, globbing, operators: no shell ever sees it). Unbalanced quotes are an error.
 */
export function splitCommand(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) throw new Error(`unbalanced ${quote} in ${JSON.stringify(text)}`);
  if (word !== undefined) words.push(word);
  return words;
}

/** The command as PVE receives it: each element as the client's encoder sends it. */
export function commandArgv(params: Params): string[] {
  const value = params.command;
  if (value === undefined || value === null) return [];
  return toFormPairs({ command: value }).map(([, v]) => v);
}

/** Why a pattern cannot be a rule, or undefined. Used by the config schema. */
export function execPatternProblem(text: string): string | undefined {
  let words: string[];
  try {
    words = splitCommand(text);
  } catch (err) {
    return `"${text}": ${(err as Error).message}`;
  }
  if (words.length === 0) return 'is empty; write a command pattern such as "df *" or "systemctl status *"';
  if (words[0] === '*' || words[0]?.startsWith('*'))
    return `"${text}": the program (first word) must be named, not a wildcard`;
  return undefined;
}

export function compileExecRule(text: string, source: string): ExecRule {
  const problem = execPatternProblem(text);
  if (problem) throw new Error(`invalid exec rule: ${problem}`);
  const words = splitCommand(text);
  const first = words[0] ?? '';
  const bareProgram = !first.includes('/') && !first.includes('*');
  const word = words.map((w) => (w === '*' ? undefined : globRegex(w)));
  const one = (i: number, arg: string): boolean => {
    if (i === 0 && bareProgram) return programName(arg) === first.toLowerCase() || arg === first;
    const re = word[i];
    return re === undefined ? true : re.test(arg);
  };
  return {
    text,
    source,
    matches(argv) {
      const restAny = words.length > 1 && words[words.length - 1] === '*';
      const fixed = restAny ? words.length - 1 : words.length;
      if (argv.length < fixed || (!restAny && argv.length !== fixed)) return false;
      for (let i = 0; i < fixed; i++) if (!one(i, argv[i] ?? '')) return false;
      return true;
    },
    names(risk) {
      if (risk.kind === 'operator') return text.includes(risk.text);
      if (first.includes('*')) return false;
      const program = programName(first);
      return risk.name === 'find -exec'
        ? program === 'find' && words.some((w) => FIND_EXEC.has(w))
        : program === risk.name;
    },
  };
}

/**
 * `policy.exec` at the top level is the default of every cluster, key by key, like the other policy
 * keys. Patterns must already be valid (the config schema checks them with their key paths).
 */
export function resolveExecPolicy(
  global: ExecEntry | undefined,
  own: ExecEntry | undefined,
  clusterName: string,
  file: string,
): ExecPolicy | undefined {
  if (!global && !own) return undefined;
  const compile = (key: keyof ExecEntry) => {
    const at =
      own?.[key] !== undefined
        ? `clusters.${clusterName}.policy.exec.${key}`
        : global?.[key] !== undefined
          ? `policy.exec.${key}`
          : undefined;
    const rules = own?.[key] ?? global?.[key];
    return at && rules
      ? { at, rules: rules.map((r, i) => compileExecRule(r, `${at}[${i}] in ${file}`)) }
      : undefined;
  };
  const allow = compile('allow');
  return {
    ...(allow ? { allow: allow.rules, allowSource: `${allow.at} in ${file}` } : {}),
    deny: compile('deny')?.rules ?? [],
    confirm: compile('confirm')?.rules ?? [],
    readOnlyAllow: compile('read_only_allow')?.rules ?? [],
  };
}

/**
 * Deny wins; on a read-only cluster only `read_only_allow` lets a command through; a risky command
 * needs a rule that names what makes it risky; then confirm, allow, and with no rule matching: refused
 * when there is an allow-list, otherwise asked (the default: every command asks).
 */
export function evaluateExec(
  policy: ExecPolicy | undefined,
  argv: readonly string[],
  readOnly: boolean,
): ExecVerdict {
  const p = policy ?? { deny: [], confirm: [], readOnlyAllow: [] };
  const first = (rules: readonly ExecRule[] | undefined) => rules?.find((r) => r.matches(argv));
  const deny = first(p.deny);
  if (deny) return { verdict: 'deny', rule: deny };
  const risks = execRisks(argv);
  const namesAll = (r: ExecRule | undefined) => r !== undefined && risks.every((k) => r.names(k));
  const confirm = first(p.confirm);
  if (readOnly) {
    const ro = first(p.readOnlyAllow);
    if (!ro) return { verdict: 'read-only' };
    if (risks.length > 0 && !namesAll(ro)) return { verdict: 'risky', risks };
    return confirm ? { verdict: 'confirm', rule: confirm } : { verdict: 'ok', rule: ro };
  }
  const allow = first(p.allow);
  if (risks.length > 0 && !namesAll(confirm) && !namesAll(allow)) return { verdict: 'risky', risks };
  if (confirm) return { verdict: 'confirm', rule: confirm };
  if (allow) return { verdict: 'ok', rule: allow };
  if (p.allow)
    return {
      verdict: 'not-allowed',
      source: p.allowSource ?? 'policy.exec.allow',
      allowed: p.allow.map((r) => r.text),
    };
  return { verdict: 'confirm', rule: DEFAULT_EXEC_CONFIRM };
}

function globRegex(word: string): RegExp {
  const body = word
    .split('*')
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return new RegExp(`^${body}$`, 's');
}
