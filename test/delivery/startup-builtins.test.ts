import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, binPath } from '../helpers/cli.js';

/**
 * Node compiles a built-in module's JavaScript the first time anything loads it, so what stdio start-up
 * loads is part of its cost. bundle.test.ts checks the bundle's text; this runs the built binary with a
 * clusters.json (the common set-up, which loads cosmiconfig) and lists the built-ins loaded by the time
 * initialize is answered (before `initialized` starts the warm-up, which loads the TLS code on purpose).
 */
let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(path.join(os.tmpdir(), 'pmcp-builtins-'));
  writeFileSync(
    path.join(dir, 'clusters.json'),
    JSON.stringify({
      clusters: {
        pve: {
          url: 'https://127.0.0.1:9',
          user: 'mcp@pve',
          token_id: 'mcp',
          token_secret: 'x-not-used',
          verify_ssl: false,
        },
      },
    }),
  );
  // Snapshots process.moduleLoadList when the first JSON-RPC answer (initialize) is written.
  writeFileSync(
    path.join(dir, 'snapshot.mjs'),
    `const write = process.stdout.write.bind(process.stdout);
let done = false;
process.stdout.write = (chunk, ...rest) => {
  if (!done && String(chunk).includes('"id":1')) {
    done = true;
    process.stderr.write('LOADED ' + JSON.stringify(process.moduleLoadList) + '\\n');
  }
  return write(chunk, ...rest);
};
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function builtinsAtInitialize(): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', path.join(dir, 'snapshot.mjs'), binPath], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, XDG_CACHE_HOME: dir },
    });
    let err = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`no initialize answer: ${err}`));
    }, 15_000);
    child.stderr.on('data', (d) => {
      err += d;
      const m = /LOADED (.*)\n/.exec(err);
      if (!m) return;
      clearTimeout(timer);
      child.stdin.end();
      resolve(
        (JSON.parse(m[1]!) as string[]).filter((x) => x.startsWith('NativeModule ')).map((x) => x.slice(13)),
      );
    });
    child.on('error', reject);
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } })}\n`,
    );
  });
}

describe('the Node built-ins stdio start-up loads', () => {
  it('leaves out child_process (commander), crypto (cosmiconfig), TLS and HTTP', async () => {
    const loaded = await builtinsAtInitialize();
    expect(loaded).toContain('v8'); // the launcher's heap settings: the snapshot works
    for (const unwanted of [
      'child_process',
      'dgram',
      'crypto',
      'tls',
      'https',
      'http',
      'tty',
      'worker_threads',
    ])
      expect(loaded, unwanted).not.toContain(unwanted);
  });
});
