/**
 * SDK RELIANCE (private module path): stands in for the SDK's `validation/ajv-provider.js` in the
 * bundle. tsup.config.ts swaps it in for any import of a path ending in `validation/ajv-provider.js`
 * made from inside @modelcontextprotocol/sdk, which relies on the SDK's Server and Client importing
 * their default validator from that file under the name `AjvJsonSchemaValidator`
 * (test/sdk/seam.test.ts checks both).
 *
 * proxmox-mcp always passes its own validator (src/safety/elicitation-validator.ts), so the SDK never
 * constructs this; if a future SDK did, failing loudly beats silently skipping validation.
 *
 * Public replacement: an SDK entry point whose Server does not import Ajv eagerly (a lazy default
 * validator, or a Server that requires `jsonSchemaValidator`); then the swap and this file go.
 */
export class AjvJsonSchemaValidator {
  constructor() {
    throw new Error('proxmox-mcp bundles no Ajv: pass a jsonSchemaValidator to the SDK Server/Client');
  }
}
