// Shrinks WASM modules in place, as `wasm-opt -Oz --strip-debug
// --strip-producers` with the features it is given would, but in one process:
// the npm binaryen CLI is itself a Node program, so each of the ~100 split
// modules paid Node's and binaryen's start-up (1.5 s each, most of the
// build's wasm-opt time) for a few milliseconds of work.
//
// Usage: node wasm-opt-all.mjs [--enable-FEATURE...] FILE.wasm...
// (the features as `wasm-opt` takes them; xtask/src/web.rs WASM_FEATURES).
import { readFileSync, writeFileSync } from 'node:fs';
import binaryen from 'binaryen';

const F = binaryen.Features;
// What each `wasm-opt` flag enables in binaryen (the command turns on the
// `-opt` and `-overlong` companions itself).
const FLAGS = {
  '--enable-bulk-memory': F.BulkMemory | F.BulkMemoryOpt,
  '--enable-nontrapping-float-to-int': F.NontrappingFPToInt,
  '--enable-sign-ext': F.SignExt,
  '--enable-mutable-globals': F.MutableGlobals,
  '--enable-reference-types': F.ReferenceTypes | F.CallIndirectOverlong,
  '--enable-multivalue': F.Multivalue,
};

const args = process.argv.slice(2);
let features = F.MVP;
for (const flag of args.filter((a) => a.startsWith('--'))) {
  if (!(flag in FLAGS)) throw new Error(`wasm-opt-all.mjs: unknown flag ${flag}`);
  features |= FLAGS[flag];
}
const files = args.filter((a) => !a.startsWith('--'));

binaryen.setOptimizeLevel(2);
binaryen.setShrinkLevel(2);
binaryen.setDebugInfo(false);

for (const file of files) {
  const module = binaryen.readBinary(readFileSync(file));
  module.setFeatures(features);
  module.optimize();
  module.runPasses(['strip-debug', 'strip-producers']);
  if (!module.validate()) {
    throw new Error(`${file}: binaryen produced an invalid module`);
  }
  writeFileSync(file, module.emitBinary());
  module.dispose();
}
