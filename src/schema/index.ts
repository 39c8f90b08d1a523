// Public API of the schema library: parse a PVE apidoc.js, index it, validate calls against it,
// search and describe endpoints, and load it per cluster with caching.

export { ApiIndex, splitPath, type Endpoint, type PathMatch } from './api-index.js';
export {
  describeEndpoint,
  type DescribeMiss,
  type DescribeResult,
  type MethodDoc,
  type ParamDoc,
} from './describe.js';
export { renderDescribe, type RenderOptions } from './render-describe.js';
export { SchemaError, SchemaParseError, SchemaUnavailableError } from './errors.js';
export { parseApidocJs } from './parse-apidoc.js';
export { renderPermissions } from './permissions.js';
export { returnsTask } from './returns.js';
export {
  SchemaStore,
  defaultCacheDir,
  type SchemaKey,
  type SchemaLoaders,
  type SchemaLogger,
  type SchemaStoreOptions,
} from './schema-store.js';
export { searchEndpoints, type SearchHit } from './search.js';
export { isSimulatedSchema, simulatedSchemaNote, SIMULATOR_SCHEMA_MARKER } from './simulated.js';
export type { ApiMethodInfo, ApiTreeNode, HttpMethod, PropertySchema } from './types.js';
export { INDEX_LIMITS, validateParams, type ParamValue, type ValidationResult } from './validate.js';
export type { Encoding } from './coerce.js';
