#!/usr/bin/env node
// Thin launcher: everything lives in the bundled dist/cli.js (built by `npm run build`).
import '../dist/cli.js';
