// Test support: a TCP port free on 127.0.0.1 right now, for a server whose address must be known
// before it starts (the sign-in's PUBLIC_URL names the port).
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
