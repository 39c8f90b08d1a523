/**
 * Stands in for the SDK's `validation/ajv-provider.js` in the bundle (tsup.config.ts swaps it in).
 * proxmox-mcp always passes its own validator (src/safety/elicitation-validator.ts), so the SDK never
 * constructs this; if a future SDK did, failing loudly beats silently skipping validation.
 */
export class AjvJsonSchemaValidator {
  constructor() {
    throw new Error('proxmox-mcp bundles no Ajv: pass a jsonSchemaValidator to the SDK Server/Client');
  }
}
