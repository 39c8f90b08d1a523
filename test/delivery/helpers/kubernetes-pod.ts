import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { K8sObject } from './kustomize.js';

/**
 * The proxmox-mcp pod of a rendered deployment, as the container would see it: its environment, its
 * clusters.json from the ConfigMap, and the Secret's files, which tests fake in a temp directory.
 */

export interface EnvVar {
  name: string;
  value?: string;
}
export interface Container {
  name: string;
  args?: string[];
  env?: EnvVar[];
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
export interface PodSpec {
  containers: Container[];
  volumes?: Array<{ name: string; configMap?: { name: string }; secret?: { secretName: string } }>;
}

export const one = (objects: K8sObject[], kind: string, name: string): K8sObject => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o;
};
export const podOf = (objects: K8sObject[]): PodSpec =>
  (one(objects, 'Deployment', 'proxmox-mcp').spec as { template: { spec: PodSpec } }).template.spec;
export const containerOf = (objects: K8sObject[]): Container => podOf(objects).containers[0]!;
export const envOf = (objects: K8sObject[]): Record<string, string | undefined> =>
  Object.fromEntries((containerOf(objects).env ?? []).map((e) => [e.name, e.value]));

/** Where the pod mounts the Secret. */
export function secretMountOf(objects: K8sObject[]): string {
  const volume = podOf(objects).volumes?.find((v) => v.secret)?.name;
  const mount = containerOf(objects).volumeMounts?.find((m) => m.name === volume);
  if (!mount) throw new Error('no Secret mounted');
  return mount.mountPath;
}

/** clusters.json as the ConfigMap mounted at PROXMOX_MCP_CONFIG holds it. */
export function clustersJsonOf(objects: K8sObject[]): string {
  const configPath = envOf(objects).PROXMOX_MCP_CONFIG ?? '';
  const mount = containerOf(objects).volumeMounts?.find((m) => configPath.startsWith(`${m.mountPath}/`));
  const cmName = podOf(objects).volumes?.find((v) => v.name === mount?.name)?.configMap?.name ?? '?';
  const text = (one(objects, 'ConfigMap', cmName).data as Record<string, string>)[path.basename(configPath)];
  if (text === undefined) throw new Error(`ConfigMap ${cmName} has no ${path.basename(configPath)}`);
  return text;
}

/** The Secret's keys the pod reads: each cluster's token_secret_file and every *_FILE variable. */
export function secretKeysRead(objects: K8sObject[]): string[] {
  const dir = secretMountOf(objects);
  const raw = JSON.parse(clustersJsonOf(objects)) as {
    clusters: Record<string, { token_secret_file?: string }>;
  };
  const files = [
    ...Object.values(raw.clusters).map((c) => c.token_secret_file ?? ''),
    ...Object.entries(envOf(objects))
      .filter(([name]) => name.endsWith('_FILE'))
      .map(([, value]) => value ?? ''),
  ];
  return files.filter((f) => f.startsWith(`${dir}/`)).map((f) => path.basename(f));
}

/**
 * The pod's environment and clusters.json on this machine: every path into the mounted Secret points
 * at a fake file in a temp directory, and PROXMOX_MCP_CONFIG at a copy of the ConfigMap's clusters.json
 * (its token_secret_file paths rewritten the same way). Nothing else changes.
 */
/** What every faked Secret file holds (a bearer token must be 16+ characters without spaces). */
export const FAKE_SECRET = 'fake-secret-for-the-test-0123456789';

export function podFiles(objects: K8sObject[]): { env: Record<string, string>; configFile: string } {
  const fake = mkdtempSync(path.join(os.tmpdir(), 'pmcp-k8s-pod-'));
  const secretDir = secretMountOf(objects);
  const faked = (file: string) => {
    const local = path.join(fake, path.basename(file));
    writeFileSync(local, `${FAKE_SECRET}\n`);
    return local;
  };
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(envOf(objects)))
    if (value !== undefined) env[name] = value.startsWith(`${secretDir}/`) ? faked(value) : value;
  const raw = JSON.parse(clustersJsonOf(objects)) as { clusters: Record<string, Record<string, unknown>> };
  for (const c of Object.values(raw.clusters))
    if (typeof c.token_secret_file === 'string' && c.token_secret_file.startsWith(`${secretDir}/`))
      c.token_secret_file = faked(c.token_secret_file);
  const configFile = path.join(fake, 'clusters.json');
  writeFileSync(configFile, JSON.stringify(raw));
  env.PROXMOX_MCP_CONFIG = configFile;
  return { env, configFile };
}
