// The round-robin balancer in a process of its own (the bench's replica figure): argv[2] is a JSON list
// of replica URLs; prints its own URL on stdout and runs until stdin closes.
import { roundRobin, startBalancer } from './balancer.mjs';

const upstreams = JSON.parse(process.argv[2] ?? '[]');
const lb = await startBalancer(upstreams, roundRobin(upstreams.length));
process.stdout.write(`${JSON.stringify({ url: lb.url })}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  process.stderr.write(
    `balancer: requests per replica ${lb.served.join(' / ')}; sent again after a closed keep-alive connection ${lb.retried.join(' / ')}\n`,
  );
  await lb.close();
  process.exit(0);
});
