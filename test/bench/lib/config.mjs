import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A directory with a clusters.json naming `clusters` ({name: sim}); the server finds it in cwd. */
export function configDir(clusters, extra = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-bench-'));
  const entries = Object.fromEntries(
    Object.entries(clusters).map(([name, sim]) => [
      name,
      {
        url: sim.url,
        user: 'root@pam',
        token_id: 'mcp',
        token_secret: sim.secret,
        fingerprint: sim.fingerprint,
        ...(sim.timeoutMs ? { timeout_ms: sim.timeoutMs } : {}),
      },
    ]),
  );
  writeFileSync(path.join(dir, 'clusters.json'), JSON.stringify({ clusters: entries, ...extra }, null, 2));
  return dir;
}
