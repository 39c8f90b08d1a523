import type { PrebuiltToolSchemas } from './prebuilt-types.js';

/**
 * The tools' JSON Schemas as the build computed them (src/build/tool-schemas.ts). From the sources
 * there are none and the registry converts at run time; in the bundle tsup.config.ts replaces this
 * module with the generated data, so a start-up never runs zod's JSON Schema conversion.
 */
export const prebuiltToolSchemas: PrebuiltToolSchemas | undefined = undefined;
