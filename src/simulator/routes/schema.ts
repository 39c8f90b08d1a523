import type { HttpMethod, RouteDef } from '../route-types.js';
import { splitPath } from './helpers.js';

/**
 * /pve-docs/api-viewer/apidoc.js, generated from the simulator's route table in the real file's form:
 * `const apiSchema = [ ...tree... ];` (pretty, sorted keys, as pve-docs' extractapi.pl writes it) followed
 * by viewer JavaScript. Clients must decode the one JSON value after `apiSchema =`, never eval the file.
 */
interface TreeNode {
  path: string;
  text: string;
  leaf: 0 | 1;
  info?: Partial<Record<HttpMethod, Record<string, unknown>>>;
  children?: TreeNode[];
}

export function buildApiTree(routes: readonly RouteDef[]): TreeNode[] {
  const roots: TreeNode[] = [];
  const byPath = new Map<string, TreeNode>();
  for (const route of routes) {
    let siblings = roots;
    let path = '';
    let node: TreeNode | undefined;
    for (const segment of splitPath(route.path)) {
      path += `/${segment}`;
      node = byPath.get(path);
      if (!node) {
        node = { path, text: segment, leaf: 1 };
        byPath.set(path, node);
        siblings.push(node);
      }
      node.children ??= [];
      siblings = node.children;
    }
    if (!node) continue;
    const { handler: _handler, path: _path, ...schema } = route;
    node.info = { ...node.info, [route.method]: { ...schema, allowtoken: 1 } };
  }
  for (const node of byPath.values()) {
    if (node.children && node.children.length > 0) node.leaf = 0;
    else delete node.children;
  }
  return roots;
}

/** Perl's JSON canonical output sorts object keys. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .sort()
        .filter((k) => obj[k] !== undefined)
        .map((k) => [k, canonical(obj[k])]),
    );
  }
  return value;
}

const VIEWER = `
Ext.onReady(function() {
    // Proxmox API viewer (as served by pve-docs): a tree of apiSchema with a details panel.
    Ext.define('pve-param-schema', {
        extend: 'Ext.data.Model',
        fields: ['name', 'type', 'typetext', 'description', 'verbose_description', 'enum',
                 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'title',
                 'requires', 'default', 'optional'],
    });

    var store = Ext.define('pve-updated-treestore', {
        extend: 'Ext.data.TreeStore',
        model: Ext.define('pve-api-doc', {
            extend: 'Ext.data.Model',
            fields: ['path', 'info', 'text'],
        }),
        proxy: { type: 'memory', data: apiSchema },
        root: { expanded: true },
    }).create();

    Ext.create('Ext.container.Viewport', {
        layout: 'border',
        renderTo: Ext.getBody(),
        items: [{
            xtype: 'treepanel',
            title: 'Proxmox VE API',
            region: 'west',
            width: 400,
            store: store,
            rootVisible: false,
        }],
    });
});
`;

export function renderApidoc(routes: readonly RouteDef[]): string {
  return `const apiSchema = ${JSON.stringify(canonical(buildApiTree(routes)), null, 3)}\n;\n${VIEWER}`;
}
