// Shrinks WASM modules in place, as `wasm-opt -Oz --strip-debug
// --strip-producers` with the features below would, but in one process:
// the npm binaryen CLI is itself a Node program, so each of the ~100 split
// modules paid Node's and binaryen's start-up (1.5 s each, most of the
// build's wasm-opt time) for a few milliseconds of work.
//
// Usage: node wasm-opt-all.mjs FILE.wasm...
import { readFileSync, writeFileSync } from 'node:fs';
import binaryen from 'binaryen';

const features =
  binaryen.Features.MVP |
  binaryen.Features.BulkMemory |
  binaryen.Features.BulkMemoryOpt |
  binaryen.Features.CallIndirectOverlong |
  binaryen.Features.NontrappingFPToInt |
  binaryen.Features.SignExt |
  binaryen.Features.MutableGlobals |
  binaryen.Features.ReferenceTypes |
  binaryen.Features.Multivalue;

binaryen.setOptimizeLevel(2);
binaryen.setShrinkLevel(2);
binaryen.setDebugInfo(false);

for (const file of process.argv.slice(2)) {
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
