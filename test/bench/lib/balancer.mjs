// A small HTTP load balancer (a kube-proxy / Ingress stand-in) for the replica test
// (test/http/replicas.test.ts) and the replica benchmark (test/bench/replicas.mjs): it forwards each
// request, headers and body, to the replica its policy picks and streams the answer back. Plain .mjs so
// the bench runs it with node, no build step; types in balancer.d.mts.
import http from 'node:http';

/**
 * @param {string[]} upstreams base URLs of the replicas
 * @param {(req: http.IncomingMessage) => number} pick index of the replica for a request
 */
export async function startBalancer(upstreams, pick) {
  const served = upstreams.map(() => 0);
  const retried = upstreams.map(() => 0);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  const forward = (req, res, i, body, again) => {
    const upstream = http.request(
      new URL(req.url ?? '/', upstreams[i]),
      // The second try takes a new connection: another idle one from the pool may be just as stale.
      { method: req.method, headers: req.headers, agent: again ? false : agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      // A kept-alive connection the replica closed as it idled, just as this request went out on it:
      // nothing reached the replica, and Node's documented answer is to send it again on a new one
      // (request.reusedSocket). What proxies in front of real replicas do too.
      if (
        upstream.reusedSocket &&
        !again &&
        !res.headersSent &&
        /ECONNRESET|socket hang up/.test(err.message)
      ) {
        retried[i]++;
        return forward(req, res, i, body, true);
      }
      // Said, so that a 502 a client reports can be traced to the replica and the reason.
      process.stderr.write(
        `balancer: ${req.method} ${req.url} to replica ${i}: ${err.message} (${upstream.reusedSocket ? 'reused' : 'new'} connection${again ? ', second try' : ''})\n`,
      );
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    res.on('close', () => upstream.destroy());
    upstream.end(body);
  };

  const server = http.createServer((req, res) => {
    const i = pick(req);
    served[i]++;
    // MCP request bodies are small JSON: buffered, so a request can be sent again.
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => forward(req, res, i, Buffer.concat(chunks), false));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    served,
    retried,
    close: () =>
      new Promise((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** No affinity: each request to the next replica. */
export function roundRobin(replicas) {
  let n = 0;
  return () => n++ % replicas;
}

/** kube-proxy's ClientIP affinity: the same client address always reaches the same replica. */
export function clientIp(replicas) {
  return (req) =>
    [...(req.socket.remoteAddress ?? '')].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7) % replicas;
}
