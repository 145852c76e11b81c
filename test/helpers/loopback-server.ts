/**
 * A real HTTP server on 127.0.0.1 for download tests. Each path has a behaviour:
 *   ok          — serves the bytes, honouring Range requests (206)
 *   status:N    — answers HTTP N
 *   reset-once  — the first full request gets half the bytes and a reset connection; later
 *                 requests are served normally (with Range → 206, the rest)
 */
import * as http from 'http';
import { AddressInfo } from 'net';

export type Behaviour = 'ok' | 'reset-once' | `status:${number}`;

export interface Route {
  body: Buffer;
  behaviour: Behaviour;
}

export interface LoopbackServer {
  url: string;
  routes: Map<string, Route>;
  /** Every request seen: path and Range header. */
  requests: { path: string; range?: string }[];
  close(): Promise<void>;
}

export async function startLoopbackServer(): Promise<LoopbackServer> {
  const routes = new Map<string, Route>();
  const requests: LoopbackServer['requests'] = [];
  const resetDone = new Set<string>();
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ path, range: req.headers.range });
    const route = routes.get(path);
    if (!route) return void res.writeHead(404).end();
    if (route.behaviour.startsWith('status:')) return void res.writeHead(Number(route.behaviour.slice(7))).end();
    const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    const body = route.body.subarray(from);
    res.writeHead(from > 0 ? 206 : 200, {
      'Content-Length': body.length,
      ...(from > 0 ? { 'Content-Range': `bytes ${from}-${route.body.length - 1}/${route.body.length}` } : {}),
    });
    if (route.behaviour === 'reset-once' && !resetDone.has(path)) {
      resetDone.add(path);
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => setTimeout(() => req.socket.destroy(), 20));
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routes,
    requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
