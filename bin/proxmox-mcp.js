#!/usr/bin/env node
// Thin launcher: everything lives in the bundled dist/cli.js (built by `npm run build`).
//
// Before any code loads, two V8 heap settings, for a server that idles between calls and keeps little
// alive from one call to the next. Set here because `node` started by npx or an MCP client takes no
// flags from us; V8 reads both whenever it considers growing a space. Measured with the client on
// undici (test/bench soak and inventory figures; each alone and together, no measurable change in
// call latency):
// - --semi-space-growth-factor=1 keeps the young generation at its starting size. V8 doubles it
//   whenever a scavenge finds many survivors (start-up, a schema load) and never shrinks it back.
//   Without it, 8,000 mixed calls climb to 133 MB RSS (94 MB after the first 1,000); with it, 107 MB.
// - --heap-growing-percent=25 lets the old generation grow to 1.25× what is alive after a full GC,
//   instead of V8's default factor (up to 4× on a small heap): garbage promoted by the small young
//   generation is collected sooner. 8,000 mixed calls then stay at 80-90 MB instead of climbing to
//   107 MB, and five 10,000-guest inventories end at 96 MB instead of 143 MB.
import module from 'node:module';
import { setFlagsFromString } from 'node:v8';

// Node 22.1+ keeps V8's compiled code of dist/ in its compile cache (os.tmpdir(), or
// NODE_COMPILE_CACHE) and reuses it at the next start: measured on Node 24, spawn → tools/list
// 191 ms instead of 204-248 ms (side by side, busy machine). Node 20 has no such API.
module.enableCompileCache?.();

setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--heap-growing-percent=25');
// zod compiles each schema into a function (new Function) on its first parse: most of the schemas a
// session parses are parsed once or a few times (config, initialize, each tool's first call), so the
// compiling costs more than it saves. Without it, spawn → tools/list 131 ms instead of 138 ms and the
// first call of each tool is quicker; per-call time unchanged (measured side by side). This is the
// object `z.config({ jitless: true })` writes; test/delivery/bundle.test.ts checks zod still reads it.
globalThis.__zod_globalConfig = { jitless: true };
await import('../dist/cli.js');
