// A PVE simulator in its own process, so benchmark figures are not skewed by the simulator sharing an
// event loop with the measuring code. Started by sim.mjs; options arrive as JSON in argv[2]. Prints one
// JSON line when listening; answers "stats" on stdin with a JSON line; exits on stdin end.
import { createInterface } from 'node:readline';
import { DEMO_TOKEN_SECRET, startSimulator } from '../../../dist-testing/simulator.js';

const opts = JSON.parse(process.argv[2] ?? '{}');
const sim = await startSimulator(opts);
console.log(
  JSON.stringify({ url: sim.url, port: sim.port, fingerprint: sim.fingerprint, secret: DEMO_TOKEN_SECRET }),
);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'stats') {
    // Requests per path too: the bench counts /version per schema load from this log.
    const paths = {};
    for (const r of sim.requests) paths[r.path] = (paths[r.path] ?? 0) + 1;
    console.log(
      JSON.stringify({ requests: sim.requests.length, connections: sim.tlsConnections ?? null, paths }),
    );
  }
});
process.stdin.on('end', () => void sim.close().then(() => process.exit(0)));
