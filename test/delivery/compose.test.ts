import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { composePath, interpolate, readCompose, readComposeRaw } from './helpers/compose.js';
import { readDockerfile } from './helpers/dockerfile.js';
import { codeBlocks, installSection } from './helpers/readme.js';
import { sourceMentions } from './helpers/source.js';

/**
 * docker-compose.yml, which is also the Portainer stack: parsed as YAML and checked against the
 * Dockerfile and the code (the container it describes is run by container.test.ts).
 */
const image = readDockerfile();
const text = readFileSync(composePath, 'utf8');
const raw = readComposeRaw();
const vars = {
  PROXMOX_MCP_IMAGE: 'gitea.example.test/owner/proxmox-mcp:1.2.3',
  MCP_ALLOWED_HOSTS: 'mcp.example.test',
};
const compose = readCompose(vars);
const service = compose.services['proxmox-mcp']!;

describe('docker-compose.yml (Compose and Portainer)', () => {
  it('one service, proxmox-mcp, from an image the deployer names (no build, no invented registry)', () => {
    expect(Object.keys(raw.services)).toEqual(['proxmox-mcp']);
    expect(raw.services['proxmox-mcp']!.image).toMatch(/^\$\{PROXMOX_MCP_IMAGE:\?/);
    expect(service.image).toBe(vars.PROXMOX_MCP_IMAGE);
    expect(() => readCompose({ MCP_ALLOWED_HOSTS: 'x' })).toThrow(/PROXMOX_MCP_IMAGE/);
    expect(() => readCompose({ PROXMOX_MCP_IMAGE: 'x' })).toThrow(/MCP_ALLOWED_HOSTS/);
  });

  it('hardened: read-only root, /tmp tmpfs (where the image writes), no capabilities, no privilege gain', () => {
    expect(service).toMatchObject({
      restart: 'unless-stopped',
      read_only: true,
      tmpfs: ['/tmp'],
      cap_drop: ['ALL'],
      security_opt: ['no-new-privileges:true'],
    });
    expect(image.env.PROXMOX_MCP_CACHE_DIR).toMatch(/^\/tmp\//);
  });

  it("publishes the image's port, and mounts the config directory the image reads, read-only", () => {
    expect(service.ports).toEqual([`8000:${image.env.MCP_PORT}`]);
    expect(readCompose({ ...vars, MCP_PUBLISH_PORT: '18000' }).services['proxmox-mcp']!.ports).toEqual([
      `18000:${image.env.MCP_PORT}`,
    ]);
    expect(service.volumes).toEqual([`./config:${path.posix.dirname(image.env.PROXMOX_MCP_CONFIG!)}:ro`]);
    // Portainer's web editor needs absolute host paths: one variable moves config/ and secrets/.
    const portainer = readCompose({ ...vars, PROXMOX_MCP_DIR: '/opt/proxmox-mcp' });
    expect(portainer.services['proxmox-mcp']!.volumes).toEqual(['/opt/proxmox-mcp/config:/config:ro']);
    expect(Object.values(portainer.secrets ?? {}).map((s) => s.file)).toEqual([
      '/opt/proxmox-mcp/secrets/mcp_token',
      '/opt/proxmox-mcp/secrets/pve_token',
    ]);
  });

  it('the bearer token comes from a Docker secret, through the variable the code reads', () => {
    expect(service.secrets).toEqual(['mcp_token', 'pve_token']);
    expect(Object.keys(compose.secrets ?? {})).toEqual(service.secrets);
    expect(service.environment?.MCP_AUTH_TOKEN_FILE).toBe('/run/secrets/mcp_token');
    expect(service.environment).not.toHaveProperty('MCP_AUTH_TOKEN');
    expect(service.environment?.MCP_ALLOWED_HOSTS).toBe(vars.MCP_ALLOWED_HOSTS);
  });

  it('every environment variable it sets, or suggests in a comment, is one the code reads', () => {
    const block = /^ {4}environment:\n((?: {6}.*\n)+)/m.exec(text)?.[1] ?? '';
    const names = [...block.matchAll(/^ {6}(?:# )?([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
    expect(names).toEqual(expect.arrayContaining(Object.keys(service.environment ?? {})));
    expect(names.length).toBeGreaterThan(Object.keys(service.environment ?? {}).length);
    for (const name of names) expect(sourceMentions(name), name).toBe(true);
  });

  it("its health check is the image's, with the same timings", () => {
    expect(service.healthcheck?.test).toEqual(['CMD', ...image.healthcheck.cmd]);
    const f = image.healthcheck.flags;
    expect(service.healthcheck).toMatchObject({
      interval: f.interval,
      timeout: f.timeout,
      start_period: f['start-period'],
      retries: Number(f.retries),
    });
  });

  it('its variables are the ones its header and the README document, and the README .env sets the required ones', () => {
    const used = new Set([...text.matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]!));
    expect([...used].sort()).toEqual([
      'MCP_ALLOWED_HOSTS',
      'MCP_PUBLISH_PORT',
      'PROXMOX_MCP_DIR',
      'PROXMOX_MCP_IMAGE',
    ]);
    const header = text.slice(0, text.indexOf('\nservices:'));
    const readme = installSection();
    for (const name of used) {
      expect(header, name).toContain(name);
      expect(readme, name).toContain(name);
    }
    const dotenv = codeBlocks(readme).find((b) => /^PROXMOX_MCP_IMAGE=/m.test(b.code))!.code;
    const env = Object.fromEntries(
      dotenv
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );
    expect(() => readCompose(env)).not.toThrow();
  });

  it('interpolates as Compose does', () => {
    expect(interpolate('${A:-x}|${A-x}|$A|$${A}', { A: '' })).toBe('x|||${A}');
    expect(interpolate('${B:-d}/c', {})).toBe('d/c');
    expect(() => interpolate('${C:?set C}', { C: '' })).toThrow(/C.*set C/);
  });
});
