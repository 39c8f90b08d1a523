import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { contextFiles, isIgnored, readDockerignore } from './helpers/context.js';
import { copies, readDockerfile, runCommands, workdir } from './helpers/dockerfile.js';
import { NODE24_VERSION } from '../helpers/node24.mjs';
import { packageJson } from './helpers/package.js';
import { sourceMentions } from './helpers/source.js';

/**
 * The Dockerfile, linted without a Docker engine: dockerfile-utils (the validator behind VS Code's
 * Dockerfile support) for syntax, then the hadolint rules that matter here (codes in the test names)
 * and this project's own contract (non-root, read-only root filesystem, the tarball install).
 */
const spec = readDockerfile();
const [build, runtime] = spec.stages;
const stageNames = new Set(spec.stages.map((s) => s.name).filter(Boolean));

describe('Dockerfile lint', () => {
  it('is valid Dockerfile syntax with no warnings (dockerfile-utils, every check at error level)', () => {
    const all = ValidationSeverity.ERROR;
    const diagnostics = validate(spec.text, {
      deprecatedMaintainer: all,
      directiveCasing: all,
      emptyContinuationLine: all,
      instructionCasing: all,
      instructionCmdMultiple: all,
      instructionEntrypointMultiple: all,
      instructionHealthcheckMultiple: all,
      instructionJSONInSingleQuotes: all,
      instructionWorkdirRelative: all,
    });
    expect(diagnostics.map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('two stages: a build stage and a runtime stage, both on the Node 24 LTS Alpine image', () => {
    expect(spec.stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    for (const s of spec.stages) {
      expect(s.from.getImageName()).toBe('node');
      expect(s.from.getImageTag()).toMatch(/^24(\.\d+){0,2}-alpine[\d.]*$/);
    }
    // The Node 24 that test/delivery runs the package on is the same major.
    expect(NODE24_VERSION.split('.')[0]).toBe('24');
  });

  it('DL3006/DL3007: every base image has an explicit tag, never latest', () => {
    for (const s of spec.stages) {
      const image = s.from.getImage() ?? '';
      if (stageNames.has(image)) continue;
      expect(s.from.getImageTag() ?? s.from.getImageDigest(), image).toBeTruthy();
      expect(s.from.getImageTag(), image).not.toBe('latest');
    }
  });

  it('DL3029: --platform only as $BUILDPLATFORM, so the build runs natively for every target', () => {
    expect(build?.from.getPlatformFlag()?.getValue()).toBe('$BUILDPLATFORM');
    expect(runtime?.from.getPlatformFlag()).toBeNull();
  });

  it('DL3002: the final stage runs as a numeric non-root user', () => {
    expect(spec.user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
  });

  it('DL3020/DL3000/DL3004/DL4006: COPY not ADD, absolute WORKDIR, no sudo, pipes fail loudly', () => {
    const all = spec.stages.flatMap((s) => s.instructions);
    expect(all.filter((i) => i.getKeyword() === 'ADD')).toEqual([]);
    expect(all.filter((i) => i.getKeyword() === 'MAINTAINER')).toEqual([]);
    for (const s of spec.stages) if (workdir(s)) expect(workdir(s)).toMatch(/^\//);
    for (const cmd of spec.stages.flatMap(runCommands)) {
      expect(cmd).not.toMatch(/\bsudo\b/);
      if (/[^|]\|[^|]/.test(cmd)) expect(cmd).toMatch(/set -o pipefail/);
    }
  });

  it('installs from the lockfile (npm ci), and the runtime stage gets only the packed tarball', () => {
    const buildRuns = runCommands(build!);
    expect(buildRuns.some((c) => /^npm ci\b/.test(c))).toBe(true);
    expect(buildRuns.some((c) => /\bnpm pack\b/.test(c))).toBe(true);
    const runtimeCopies = copies(runtime!);
    expect(runtimeCopies).toEqual([
      { from: 'build', sources: [expect.stringMatching(/\.tgz$/)], dest: expect.any(String) },
    ]);
    const tarball = runtimeCopies[0]!.dest;
    const [install, ...rest] = runCommands(runtime!);
    expect(rest).toEqual([]);
    // The only `npm install` anywhere: the global install of that tarball, offline.
    expect(install).toMatch(
      new RegExp(`^npm install --global (--[\\w-]+ )*${tarball.replace(/\./g, '\\.')} `),
    );
    expect(install).toMatch(/--offline/);
    for (const cmd of spec.stages.flatMap(runCommands).filter((c) => c !== install))
      expect(cmd).not.toMatch(/\bnpm (install|i)\b/);
    // Nothing fetched at build time besides the registry (no curl, wget or OS packages).
    for (const cmd of spec.stages.flatMap(runCommands))
      expect(cmd).not.toMatch(/\b(curl|wget|apk|apt-get)\b/);
    // What it deletes afterwards is package managers and caches, never what runs.
    const removed =
      install!
        .match(/rm -rf ([^&]+)/)?.[1]
        ?.trim()
        .split(/\s+/) ?? [];
    expect(removed).toContain(tarball);
    for (const p of removed)
      expect(p).toMatch(
        /^(\/tmp\/|\/root\/|\/usr\/local\/(bin|lib\/node_modules)\/(npm|npx|corepack|yarn|yarnpkg)$|\/opt\/yarn-)/,
      );
    expect(install).toMatch(/&& proxmox-mcp --version$/);
  });

  it('DL3025: ENTRYPOINT and CMD in exec form: `proxmox-mcp sse`, the package bin and its HTTP command', () => {
    expect(spec.entrypoint).toEqual(Object.keys(packageJson.bin ?? {}));
    expect(spec.cmd).toEqual(['sse']);
  });

  it('environment: listens on every interface, config from /config, writes only below /tmp, production', () => {
    expect(spec.env).toMatchObject({
      NODE_ENV: 'production',
      MCP_HOST: '0.0.0.0',
      PROXMOX_MCP_CONFIG: '/config/clusters.json',
    });
    expect(spec.env.PROXMOX_MCP_CACHE_DIR).toMatch(/^\/tmp\//);
    expect(spec.expose).toEqual([spec.env.MCP_PORT]);
    // Each variable set is one the code reads (NODE_ENV is for the bundled libraries).
    for (const name of Object.keys(spec.env).filter((n) => n !== 'NODE_ENV'))
      expect(sourceMentions(name), `${name} is read somewhere in src/`).toBe(true);
  });

  it('no secret is baked in: no ENV or ARG holding a token, secret or password (files only)', () => {
    const all = spec.stages.flatMap((s) => s.instructions);
    for (const ins of all.filter((i) => ['ENV', 'ARG'].includes(i.getKeyword()))) {
      for (const arg of ins.getArguments().map((a) => a.getValue())) {
        const name = arg.split('=')[0]!;
        if (/TOKEN|SECRET|PASSW/i.test(name)) expect(name, arg).toMatch(/_FILE$/);
      }
    }
  });

  it('HEALTHCHECK: exec form, node itself fetching /healthz on the configured port, with timings', () => {
    const [cmd, flag, script] = spec.healthcheck.cmd;
    expect([cmd, flag]).toEqual(['node', '-e']);
    expect(script).toMatch(
      /fetch\('http:\/\/127\.0\.0\.1:'\+\(process\.env\.MCP_PORT\|\|8000\)\+'\/healthz'\)/,
    );
    expect(Object.keys(spec.healthcheck.flags).sort()).toEqual([
      'interval',
      'retries',
      'start-period',
      'timeout',
    ]);
  });

  it('OCI labels: title, description, license, version and source', () => {
    expect(spec.labels).toMatchObject({
      'org.opencontainers.image.title': packageJson.name,
      'org.opencontainers.image.licenses': packageJson.license,
      'org.opencontainers.image.version': '${VERSION}',
      'org.opencontainers.image.source': '${SOURCE}',
    });
    expect(spec.labels['org.opencontainers.image.description']).toBeTruthy();
  });
});

describe('.dockerignore: the build context', () => {
  const rules = readDockerignore(path.join(repoRoot, '.dockerignore'));
  const files = contextFiles(repoRoot, rules);

  it('holds every source the build stage copies', () => {
    const sources = copies(build!).flatMap((c) => c.sources);
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) {
      const full = path.join(repoRoot, src);
      expect(existsSync(full), src).toBe(true);
      if (statSync(full).isDirectory())
        expect(
          files.some((f) => f.startsWith(`${src}/`)),
          src,
        ).toBe(true);
      else expect(files, src).toContain(src);
    }
  });

  it('holds nothing else: no tests, build output, node_modules, git data, local config or secrets', () => {
    const copied = copies(build!).flatMap((c) => c.sources);
    const extra = files.filter((f) => !copied.some((src) => f === src || f.startsWith(`${src}/`)));
    expect(extra).toEqual([]);
    for (const probe of [
      'clusters.json',
      '.proxmox-mcprc.json',
      '.env',
      'config/clusters.json',
      'secrets/mcp_token',
      'proxmox-mcp-0.1.0.tgz',
      'node_modules/zod/package.json',
      'dist/cli.js',
      '.git/config',
      'test/delivery/package.test.ts',
      '.gitea/workflows/release.yml',
      'docker-compose.yml',
    ])
      expect(isIgnored(rules, probe), probe).toBe(true);
  });
});
