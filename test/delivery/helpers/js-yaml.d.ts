// The one function the delivery tests use from js-yaml (already in the tree through cosmiconfig and
// eslint), declared here rather than adding @types/js-yaml.
declare module 'js-yaml' {
  export function load(text: string, options?: { filename?: string }): unknown;
  const yaml: { load: typeof load };
  export default yaml;
}
