import path from 'node:path';

/**
 * Refusals and confirmation questions say where a rule, role or setting comes from ("top-level access
 * in /etc/proxmox-mcp/clusters.json"). Over stdio that file is on the person's own machine and its full
 * path helps them find it; a person calling over HTTP would only learn the server's file layout from
 * it, so what they are shown names the config file by its base name. Logs and the audit (written
 * elsewhere) keep the full path for the operator.
 */
export function configPathShown(source: string | undefined, overHttp: boolean): (text: string) => string {
  if (!overHttp || !source) return (text) => text;
  const base = path.basename(source);
  if (!base || base === source) return (text) => text;
  // The same path as it appears inside serialized JSON (structured content), where \ and " are escaped.
  const inJson = JSON.stringify(source).slice(1, -1);
  const baseInJson = JSON.stringify(base).slice(1, -1);
  return (text) => text.split(source).join(base).split(inJson).join(baseInJson);
}
