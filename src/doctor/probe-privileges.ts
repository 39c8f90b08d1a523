import type { ProxmoxClient } from '../proxmox/client.js';
import { settingName, type ProbeContext } from './context.js';
import type { CheckResult, PrivilegeNeed, PrivilegeReport } from './report.js';
import { READ_REQUIREMENTS, WRITE_REQUIREMENTS, evaluate, grantCommands } from './requirements.js';
import { tokenFailure } from './probe-token.js';
import { whichGrantApplies } from '../proxmox/grant-advice.js';

export interface PrivilegesOutcome {
  result: CheckResult;
  privileges?: PrivilegeReport;
}

/** The token's effective privileges (GET /access/permissions) against what the tools need. */
export async function probePrivileges(
  ctx: ProbeContext,
  client: ProxmoxClient,
  timeoutMs: number,
): Promise<PrivilegesOutcome> {
  const started = Date.now();
  let raw: Record<string, Record<string, unknown>>;
  try {
    raw = await client.request<Record<string, Record<string, unknown>>>(
      'GET',
      '/access/permissions',
      {},
      { timeoutMs },
    );
  } catch (err) {
    const f = tokenFailure(ctx, err, timeoutMs, 'GET /access/permissions');
    return {
      result: {
        id: 'privileges',
        status: 'warn',
        summary: `could not read the token's privileges: ${f.summary}`,
        fix: f.fix,
        durationMs: Date.now() - started,
      },
    };
  }
  const effective = Object.fromEntries(
    Object.entries(raw ?? {}).map(([path, privs]) => [path, Object.keys(privs ?? {}).sort()]),
  );
  const read = READ_REQUIREMENTS.map((r) => evaluate(r, effective));
  const write = ctx.cluster.readOnly ? [] : WRITE_REQUIREMENTS.map((r) => evaluate(r, effective));
  const privileges: PrivilegeReport = { read, write, effective };
  return { privileges, result: { ...judge(ctx, privileges), durationMs: Date.now() - started } };
}

function judge(ctx: ProbeContext, p: PrivilegeReport): Omit<CheckResult, 'durationMs'> {
  const { user } = ctx.cluster;
  const empty = Object.values(p.effective).every((privs) => privs.length === 0);
  if (empty) {
    return {
      id: 'privileges',
      status: 'fail',
      summary: `the token ${ctx.token} has no privileges at all: every list will be empty, every action 403`,
      fix: [
        'Most likely it was created with privilege separation (the default of `pveum user token add` and',
        'the GUI\'s "Privilege Separation" box) and has no ACL of its own. A privilege-separated token gets',
        'only what its own ACLs grant AND its user has. Grant read access (run on a node):',
        ...grantCommands(
          READ_REQUIREMENTS.map((r) => ({ ...r, granted: 'no' })),
          user,
          ctx.token,
        ).map((c) => `  ${c}`),
        `or recreate the token without separation so it has ${user}'s rights:`,
        `  pveum user token remove ${user} ${ctx.cluster.tokenId} && pveum user token add ${user} ${ctx.cluster.tokenId} --privsep 0`,
        `(then put the new secret into ${settingName(ctx, 'token_secret')}).`,
      ],
    };
  }
  const missingRead = p.read.filter((n) => n.granted !== 'yes');
  const missingWrite = p.write.filter((n) => n.granted !== 'yes');
  const fix: string[] = [];
  if (missingRead.length) {
    fix.push('Grant read access (run on a node):', ...indent(grantCommands(missingRead, user, ctx.token)));
  }
  if (missingWrite.length) {
    const readOnlyHint =
      ctx.origin.kind === 'environment'
        ? 'set PROXMOX_MCP_READ_ONLY=1'
        : `set ${settingName(ctx, 'read_only')} to true`;
    fix.push(
      `For the write tools (or, if the assistant should only look, ${readOnlyHint}):`,
      ...indent(grantCommands(missingWrite, user, ctx.token)),
    );
  }
  if (fix.length) fix.push(whichGrantApplies(user));
  const describe = (n: PrivilegeNeed) =>
    `${n.privilege} on ${n.path}${n.granted === 'partly' ? ` (only on ${n.onlyOn?.join(', ')})` : ''}`;
  if (missingRead.length) {
    return {
      id: 'privileges',
      status: 'warn',
      summary: `read access incomplete, missing ${missingRead.map(describe).join('; ')}`,
      fix,
    };
  }
  if (missingWrite.length) {
    return {
      id: 'privileges',
      status: 'warn',
      summary: `read access complete; write tools lack ${missingWrite.map(describe).join('; ')}`,
      fix,
    };
  }
  return {
    id: 'privileges',
    status: 'ok',
    summary: ctx.cluster.readOnly
      ? 'read access complete (read-only cluster: no write privileges needed)'
      : 'read and write access complete',
  };
}

function indent(lines: string[]): string[] {
  return lines.map((l) => `  ${l}`);
}
