// The "applied, but the answer is lost" fault. The request runs to its end: whatever it commits is
// committed and its upload callback delivered. Then, where the answer would begin, the connection is cut
// instead, before one byte of the status line is written, as when the network fails between a server's
// commit and its client. The client sees a dropped connection it cannot tell from a request that never
// arrived; only a retry or a listing shows that it was applied.

import type { IncomingMessage, ServerResponse } from 'node:http';

/** Responses whose answer was cut after the request ran to its end (for the request log). */
const cutAnswers = new WeakSet<ServerResponse>();

/** Whether `res` was applied and then cut by this fault (true only once the handler began to answer). */
export function answerWasLost(res: ServerResponse): boolean {
  return cutAnswers.has(res);
}

/** Makes every way of starting `res` (its head, a first write, its end, a flush) cut the connection. */
export function loseAnswer(req: IncomingMessage, res: ServerResponse): void {
  const cut = () => {
    cutAnswers.add(res);
    req.socket.destroy();
    return res;
  };
  res.writeHead = cut as ServerResponse['writeHead'];
  res.flushHeaders = cut;
  res.end = cut as ServerResponse['end'];
  // false: nothing was written, and nothing more will be (the response closes with its socket).
  res.write = (() => {
    cut();
    return false;
  }) as ServerResponse['write'];
}
