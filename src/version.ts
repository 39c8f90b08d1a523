import { createRequire } from 'node:module';

// src/version.ts and the bundled dist/cli.js both sit one level below package.json.
const require = createRequire(import.meta.url);
const pkg = require('../package.json') as { name: string; version: string };

export const PACKAGE_NAME = pkg.name;
export const VERSION = pkg.version;
