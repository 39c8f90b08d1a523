import { allTools } from '../tools/index.js';
import { toolSchemas } from './tool-schemas.js';

/** Entry point tsup.config.ts bundles and imports at build time to generate the tools' schemas. */
export default toolSchemas(allTools);
