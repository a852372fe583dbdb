// A host for engineLiveness.test.ts, bundled and run as its own process: it runs one analysis (argv[2]: the engine,
// argv[3]: the parameters as JSON) and prints each new stage on its own line, so the test can kill it mid-stage.
import { runAnalysis } from '../../../src/engine/client';

let last = '';
runAnalysis(process.argv[2], JSON.parse(process.argv[3]), {
  onProgress: (stage) => {
    if (stage !== last) console.log(`stage ${(last = stage)}`);
  },
}).then(
  () => console.log('finished'),
  (e: Error) => console.log(`failed ${e.message}`),
);
