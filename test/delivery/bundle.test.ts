import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { allTools } from '../../src/tools/index.js';
import { assertBuilt, repoRoot } from '../helpers/cli.js';

/**
 * Start-up cost is mostly parsing code, so what stdio start-up loads is a property of the build worth
 * pinning: the files dist/cli.js imports statically (transitively) must not contain the code that is
 * loaded lazily (the cluster connection pool with undici, cosmiconfig + YAML, the HTTP transport, the
 * simulator) or that is left out entirely (undici's index with fetch and WebSocket, the SDK's Ajv
 * validator, zod's non-English locales).
 */
const dist = path.join(repoRoot, 'dist');
const source = (file: string) => readFileSync(path.join(dist, file), 'utf8');

function staticGraph(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    // Static ESM imports only: `from "./chunk.js"` (dynamic ones are `import("./chunk.js")`).
    for (const m of source(file).matchAll(/\bfrom\s+"\.\/([\w-]+\.js)"/g)) visit(m[1]!);
  };
  visit(entry);
  return [...seen];
}

let startup: string[];
let startupCode: string;
beforeAll(() => {
  assertBuilt();
  startup = staticGraph('cli.js');
  startupCode = startup.map(source).join('\n');
});

describe('what stdio start-up loads', () => {
  it('is a subset of the shipped chunks, and leaves the lazy ones out', () => {
    const all = readdirSync(dist);
    expect(startup.every((f) => all.includes(f))).toBe(true);
    expect(startup.length).toBeLessThan(all.length);
  });

  it.each([
    ['the connection pool (first Proxmox request)', /src\/proxmox\/cluster-agent\.ts/],
    ['the HTTPS request code (first Proxmox request)', /src\/proxmox\/http-request\.ts/],
    ['undici (first Proxmox request, or the warm-up after initialized)', /node_modules\/undici\//],
    ['cosmiconfig (only when a config file exists)', /node_modules\/cosmiconfig\//],
    ['js-yaml', /node_modules\/js-yaml\//],
    ['the simulator (demo only)', /src\/simulator\//],
    ['the Streamable HTTP / SSE transport (sse only)', /src\/transports\/http\//],
    [
      'jose and the OAuth resource server (sse in OAuth mode only)',
      /node_modules\/jose\/|src\/auth\/(authenticator|jwt-verifier|discovery|introspection)\.ts/,
    ],
    [
      'prom-client and the /metrics listener (sse with a metrics port only)',
      /node_modules\/prom-client\/|src\/metrics\/(listener|prometheus-sink)\.ts/,
    ],
    // tools/list answers from the build's record (src/tools/lazy-catalog.ts); a tool's code loads on its first call.
    ...allTools.map((t): [string, RegExp] => [
      `the ${t.name} tool's code (its first call)`,
      new RegExp(`src/tools/${t.name.replace(/_/g, '-')}\\.ts`),
    ]),
    ['the full tool list (`proxmox-mcp tools`)', /src\/tools\/index\.ts/],
    // The bare `proxmox-mcp` MCP clients start goes straight to stdio (src/cli.ts).
    [
      'commander and the command definitions (any command line)',
      /node_modules\/commander\/|src\/cli\/program\.ts/,
    ],
    ['check and init (their commands)', /src\/cli\/diagnose\.ts/],
  ])('does not parse %s', (_what, marker) => {
    expect(startupCode).not.toMatch(marker);
  });

  it('imports no node:https, node:tls or node:crypto (Node compiles each built-in on first load)', () => {
    expect(startupCode).not.toMatch(/from "(node:)?(https|tls|crypto)"/);
  });

  it("carries only undici's pool (not its index: fetch, WebSocket, caches), no Ajv, and no zod locale but English", () => {
    const everything = readdirSync(dist).map(source).join('\n');
    // The client imports undici's Pool module alone (src/proxmox/cluster-agent.ts says why).
    expect(everything).toMatch(/node_modules\/undici\/lib\/dispatcher\/pool\.js/);
    expect(everything).not.toMatch(/node_modules\/undici\/index\.js/);
    expect(everything).not.toMatch(/node_modules\/undici\/lib\/(web\/websocket|cache|mock)\//);
    expect(everything).not.toMatch(/node_modules\/ajv\//);
    const locales = [...everything.matchAll(/node_modules\/zod\/v4\/locales\/([\w-]+)\.js/g)].map(
      (m) => m[1],
    );
    expect(new Set(locales)).toEqual(new Set(['en']));
  });

  it('carries the JSON Schemas of every tool, generated at build time, so start-up converts none', () => {
    const m = /var prebuiltToolSchemas = (\{.*\});\n/.exec(startupCode);
    expect(m, 'src/build/prebuilt-tool-schemas.ts replaced by generated data').not.toBeNull();
    // esbuild reprints the generated JSON as a JS object literal.
    const generated = runInNewContext(`(${m![1]!})`) as Record<string, { input: string }>;
    expect(Object.keys(generated)).toEqual(expect.arrayContaining(allTools.map((t) => t.name)));
    for (const [name, s] of Object.entries(generated))
      expect(JSON.parse(s.input), name).toHaveProperty('type');
  });

  it("leaves out zod's z.compile and z.fromJSONSchema (unused), keeping the rest of zod", () => {
    const everything = readdirSync(dist).map(source).join('\n');
    expect(everything).not.toMatch(/node_modules\/zod\/v4\/core\/compile\.js/);
    expect(everything).not.toMatch(/node_modules\/zod\/v4\/classic\/from-json-schema\.js/);
    expect(startupCode).toMatch(/src\/build\/zod-no-compile\.ts/);
    expect(startupCode).toMatch(/node_modules\/zod\/v4\/core\/schemas\.js/);
    expect(startupCode).toMatch(/node_modules\/zod\/v4\/core\/to-json-schema\.js/);
  });

  it('requires no child_process (commander) and no crypto (cosmiconfig) as they load: stand-ins fetch them on use', () => {
    expect(startupCode).not.toMatch(/__require\("(node:)?child_process"\)/);
    const everything = readdirSync(dist).map(source).join('\n');
    const commander = readdirSync(dist)
      .map(source)
      .filter((code) => /\/\/ node_modules\/commander\//.test(code));
    expect(commander).toHaveLength(1);
    expect(commander[0]).toMatch(/src\/build\/lazy-child-process\.ts/);
    expect(commander[0]).not.toMatch(/__require\("(node:)?child_process"\)/);
    const loaders =
      /\/\/ node_modules\/cosmiconfig\/dist\/loaders\.js\n[\s\S]*?\n\/\/ (src|node_modules)\//.exec(
        everything,
      );
    expect(loaders?.[0]).toMatch(/randomUUID/);
    expect(loaders?.[0]).not.toMatch(/__require\("(node:)?crypto"\)/);
    expect(everything).toMatch(/src\/build\/lazy-crypto\.ts/);
  });

  it("ships none of the simulator's test controls (src/simulator/testing: faults, request log, generated fleets)", () => {
    const shipped = readdirSync(dist).filter((f) => f.endsWith('.js'));
    const carrying = shipped.filter((f) => /src\/simulator\/testing\//.test(source(f)));
    expect(carrying).toEqual([]);
    // The engine `demo` runs is still there, so the check above looks at the right files.
    expect(shipped.some((f) => /src\/simulator\/http-server\.ts/.test(source(f)))).toBe(true);
  });

  it("reads zod's global config, which the launcher sets to jitless (bin/proxmox-mcp.js)", () => {
    expect(startupCode).toMatch(/globalThis\)\.__zod_globalConfig/);
    expect(startupCode).toMatch(/globalConfig\.jitless/);
  });

  it('still contains the lazy pieces, so they can load when needed', () => {
    const lazy = readdirSync(dist)
      .filter((f) => !startup.includes(f))
      .map(source)
      .join('\n');
    expect(lazy).toMatch(/src\/proxmox\/cluster-agent\.ts/);
    expect(lazy).toMatch(/node_modules\/undici\/lib\/dispatcher\/pool\.js/);
    expect(lazy).toMatch(/node_modules\/cosmiconfig\//);
    for (const t of allTools) expect(lazy).toMatch(`src/tools/${t.name.replace(/_/g, '-')}.ts`);
    expect(startupCode).toMatch(/src\/tools\/lazy-catalog\.ts/);
    expect(lazy).toMatch(/node_modules\/commander\//);
  });
});
