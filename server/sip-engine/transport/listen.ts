import type * as net from 'node:net';

/** Starts a server listening and resolves with the address it bound (the real port when asked for 0). */
export function listenOn(server: net.Server, port: number, address: string): Promise<{ address: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      const a = server.address() as net.AddressInfo;
      resolve({ address: a.address, port: a.port });
    });
  });
}
