/**
 * Stands in for zod's `locales/index.js` in the bundle (tsup.config.ts swaps it in). zod re-exports
 * every locale as a namespace (`z.locales`), which defeats tree-shaking: ~280 KB of error-message
 * translations parsed at every start. We only ever use English, which zod configures by default.
 */
export { default as en } from '../../node_modules/zod/v4/locales/en.js';
