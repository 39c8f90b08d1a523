import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';

/**
 * A hand-written renderer for exactly the kustomize features deploy/kubernetes/ uses, so the tests see
 * what `kubectl apply -k` would send without a kustomize binary. A kustomization key it does not
 * know makes it throw: a feature added to the manifests must be taught here, never silently skipped.
 */

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  /** Directories holding a `kind: Component` kustomization, added after the resources. */
  components?: string[];
  labels?: Array<{ pairs: Record<string, string>; includeSelectors?: boolean }>;
  replicas?: Array<{ name: string; count: number }>;
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
  configMapGenerator?: Array<{
    name: string;
    behavior?: string;
    files?: string[];
    options?: { disableNameSuffixHash?: boolean };
  }>;
  /** Strategic-merge patches; `target` (kind + name) instead of the patch's own kind and name. */
  patches?: Array<{ path: string; target?: { kind: string; name: string } }>;
}

const KNOWN_KEYS = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'components',
  'labels',
  'replicas',
  'images',
  'configMapGenerator',
  'patches',
]);

/** Every YAML document of a file (js-yaml's load reads one; the files separate theirs with ---). */
export function readYamlDocuments(file: string): unknown[] {
  return readFileSync(file, 'utf8')
    .split(/^---$/m)
    .map((doc) => yaml.load(doc, { filename: file }))
    .filter((doc) => doc !== undefined && doc !== null);
}

export function readKustomization(dir: string): Kustomization {
  const k = yaml.load(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  const unknown = Object.keys(k).filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length) throw new Error(`${dir}: kustomization keys this renderer cannot render: ${unknown}`);
  return k;
}

/** `extraComponents`: as if the kustomization listed them too (an optional component, commented out there). */
export function render(dir: string, extraComponents: string[] = []): K8sObject[] {
  return build(dir, [], extraComponents);
}

/**
 * One kustomization over `inherited`, kustomize's order: its resources join what is there, then each
 * component runs over everything so far (a component's patches reach the including kustomization's
 * resources), then its own generators and transformers. A resource directory is built on its own.
 */
function build(dir: string, inherited: K8sObject[], extraComponents: string[] = []): K8sObject[] {
  const k = readKustomization(dir);
  let objects: K8sObject[] = inherited;
  for (const r of k.resources ?? []) {
    const p = path.join(dir, r);
    objects.push(...(statSync(p).isDirectory() ? render(p) : (readYamlDocuments(p) as K8sObject[])));
  }
  for (const c of [...(k.components ?? []), ...extraComponents]) {
    if (readKustomization(path.join(dir, c)).kind !== 'Component') throw new Error(`${c}: not a Component`);
    objects = build(path.join(dir, c), objects);
  }
  for (const gen of k.configMapGenerator ?? []) {
    if (gen.behavior !== 'replace' || !gen.options?.disableNameSuffixHash)
      throw new Error(`${dir}: only configMapGenerator with behavior replace and no name hash is rendered`);
    const target = find(objects, 'ConfigMap', gen.name, dir);
    const data: Record<string, string> = {};
    for (const f of gen.files ?? []) data[path.basename(f)] = readFileSync(path.join(dir, f), 'utf8');
    target.data = data;
  }
  for (const p of k.patches ?? []) {
    const keys = Object.keys(p).filter((key) => key !== 'path' && key !== 'target');
    if (keys.length) throw new Error(`${dir}: patch keys this renderer cannot render: ${keys}`);
    const patch = yaml.load(readFileSync(path.join(dir, p.path), 'utf8')) as K8sObject;
    const target = p.target ?? { kind: patch.kind, name: patch.metadata.name };
    const i = objects.indexOf(find(objects, target.kind, target.name, dir));
    objects[i] = strategicMerge(objects[i], patch) as K8sObject;
  }
  for (const r of k.replicas ?? []) {
    const spec = find(objects, 'Deployment', r.name, dir).spec as { replicas?: number };
    spec.replicas = r.count;
  }
  for (const img of k.images ?? []) {
    for (const c of containersOf(objects)) {
      const name = c.image.replace(/[:@].*$/, '');
      if (name !== img.name) continue;
      const tag = c.image.slice(name.length).replace(/^:/, '');
      c.image = `${img.newName ?? name}:${img.newTag ?? tag}`;
    }
  }
  for (const l of k.labels ?? []) {
    objects = objects.map((o) => addLabels(o, l.pairs, l.includeSelectors ?? false));
  }
  if (k.namespace) for (const o of objects) o.metadata.namespace = k.namespace;
  return objects;
}

export function containersOf(objects: K8sObject[]): Array<{ name: string; image: string }> {
  return objects
    .filter((o) => o.kind === 'Deployment')
    .flatMap(
      (o) =>
        (o.spec as { template: { spec: { containers: Array<{ name: string; image: string }> } } }).template
          .spec.containers,
    );
}

function find(objects: K8sObject[], kind: string, name: string, dir: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${dir}: no ${kind} ${name} to change`);
  return o;
}

/**
 * Strategic merge as kustomize does it for what our patches touch: maps merge, lists of named items
 * merge by name, and a named item saying `$patch: delete` removes that item (only that directive).
 */
function strategicMerge(base: unknown, patch: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(patch)) {
    const named = (x: unknown): x is { name: string; $patch?: unknown } =>
      typeof x === 'object' && x !== null && typeof (x as { name?: unknown }).name === 'string';
    if (!patch.every(named) || !base.every(named)) return patch;
    const out = [...base];
    for (const item of patch) {
      const i = out.findIndex((b) => b.name === item.name);
      if (item.$patch !== undefined) {
        if (item.$patch !== 'delete') throw new Error(`$patch: ${String(item.$patch)} is not rendered`);
        if (i !== -1) out.splice(i, 1);
      } else if (i === -1) out.push(item);
      else out[i] = strategicMerge(out[i], item) as { name: string };
    }
    return out;
  }
  if (isMap(base) && isMap(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch)) out[key] = strategicMerge(base[key], value);
    return out;
  }
  return patch;
}

function isMap(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function addLabels(o: K8sObject, pairs: Record<string, string>, selectors: boolean): K8sObject {
  const copy = structuredClone(o);
  copy.metadata.labels = { ...copy.metadata.labels, ...pairs };
  if (!selectors) return copy;
  const spec = copy.spec as Record<string, unknown> | undefined;
  if (copy.kind === 'Service' && spec) spec.selector = { ...(spec.selector as object), ...pairs };
  if (copy.kind === 'Deployment' && spec) {
    const sel = spec.selector as { matchLabels?: Record<string, string> };
    sel.matchLabels = { ...sel.matchLabels, ...pairs };
    const meta = (spec.template as { metadata: { labels?: Record<string, string> } }).metadata;
    meta.labels = { ...meta.labels, ...pairs };
  }
  return copy;
}
