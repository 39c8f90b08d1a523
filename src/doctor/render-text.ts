import type { CheckStatus, ClusterReport, ConfigOrigin, DoctorReport, PrivilegeNeed } from './report.js';

/**
 * The terminal rendering of a report: one block per cluster, one line per check, the fix under it.
 * The status words (ok / warn / FAIL / skip) carry the meaning; colour only repeats it.
 */
export interface RenderOptions {
  color: boolean;
}

const LABEL: Record<CheckStatus, string> = { ok: 'ok', warn: 'warn', fail: 'FAIL', skip: 'skip' };
const COLOR: Record<CheckStatus, string> = { ok: '32', warn: '33', fail: '31', skip: '2' };
/** Detail lines start under the summary column: 2 + 5 (status) + 1 + 12 (check) + 1. */
const INDENT = ' '.repeat(21);

export function renderReport(report: DoctorReport, opts: RenderOptions): string {
  const paint = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [
    `proxmox-mcp check ${report.proxmoxMcp}`,
    `config: ${describeOrigin(report.config)}`,
    '',
  ];
  for (const c of report.clusters) out.push(...renderCluster(c, paint), '');
  const usable = report.clusters.filter((c) => c.usable).length;
  const total = report.clusters.length;
  out.push(
    report.usable
      ? paint('32', `${total === 1 ? 'The cluster is' : `All ${total} clusters are`} usable.`)
      : paint(
          '31',
          `${usable} of ${total} cluster${total === 1 ? '' : 's'} usable: fix what is marked FAIL${report.clusters.some(skippedToken) ? ' (and give the token secret)' : ''} above.`,
        ),
  );
  return out.join('\n') + '\n';
}

/** The token step was skipped before anything was sent: no secret (see check-cluster.ts). */
const skippedToken = (c: ClusterReport) =>
  c.checks.some((x) => x.id === 'token' && x.status === 'skip' && /no token secret/.test(x.summary));

export function describeOrigin(origin: ConfigOrigin): string {
  if (origin.kind === 'environment') {
    return `environment variables (${origin.variables.join(', ') || 'PROXMOX_URL, …'}); no clusters.json was found`;
  }
  const how =
    origin.via === '--config' || origin.via === 'PROXMOX_MCP_CONFIG'
      ? `given by ${origin.via}`
      : origin.via
        ? `found in the ${origin.via}`
        : undefined;
  return how ? `${origin.file} (${how})` : origin.file;
}

function renderCluster(c: ClusterReport, paint: (code: string, s: string) => string): string[] {
  const tls = { verify: 'TLS verified', fingerprint: 'TLS pinned', insecure: 'TLS NOT verified' }[c.tls];
  const lines = [
    `${paint('1', c.name)}  ${c.url}  token ${c.token}  ${tls}${c.readOnly ? '  read-only' : ''}`,
    ...(c.confirmation ? [`  ${c.confirmation}`] : []),
  ];
  for (const check of c.checks) {
    const label = paint(COLOR[check.status], LABEL[check.status].padEnd(5));
    lines.push(`  ${label} ${check.id.padEnd(12)} ${check.summary}`);
    if (check.id === 'tls' && c.certificate) {
      const cert = c.certificate;
      const expiry = cert.daysLeft < 0 ? `expired ${-cert.daysLeft} days ago` : `${cert.daysLeft} days left`;
      lines.push(
        `${INDENT}certificate ${cert.subject || '(no subject)'}${cert.selfSigned ? ', self-signed' : `, issued by ${cert.issuer}`}`,
        `${INDENT}valid until ${cert.validTo.slice(0, 10)} (${expiry})`,
        `${INDENT}SHA-256 ${cert.fingerprint256}`,
      );
    }
    if (check.id === 'privileges' && c.privileges) {
      lines.push(`${INDENT}read   ${needs(c.privileges.read)}`);
      if (c.privileges.write.length) lines.push(`${INDENT}write  ${needs(c.privileges.write)}`);
    }
    if (check.fix?.length) {
      lines.push(`${INDENT}${paint('1', 'fix:')}`);
      for (const f of check.fix) lines.push(`${INDENT}  ${f}`);
    }
  }
  lines.push(
    c.usable
      ? `  => ${paint('32', `${c.name} is usable`)}${c.pveVersion ? ` (Proxmox VE ${c.pveVersion})` : ''}, checked in ${c.durationMs} ms`
      : `  => ${paint('31', `${c.name} is NOT usable`)}, checked in ${c.durationMs} ms`,
  );
  return lines;
}

function needs(list: PrivilegeNeed[]): string {
  return list.map((n) => `${n.privilege} on ${n.path}: ${n.granted}`).join(' · ');
}
