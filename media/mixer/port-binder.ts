import * as dgram from 'node:dgram';
import { MixerError, MixerErrorCode } from './errors';

export interface PortRange {
  portMin: number;
  portMax: number;
}

function bindOnce(address: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: address.includes(':') ? 'udp6' : 'udp4' });
    const onError = (err: Error): void => {
      socket.close();
      reject(err);
    };
    socket.once('error', onError);
    socket.bind(port, address, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

/**
 * Binds UDP sockets for participants: on an OS-chosen port when no range is given, else on the
 * next free even port of the range (RTP's convention; the odd port stays free), round-robin so
 * that a port just released is not handed out again at once.
 */
export class PortBinder {
  private cursor: number;

  constructor(private readonly address: string, private readonly range: PortRange | undefined) {
    this.cursor = range ? range.portMin + (range.portMin % 2) : 0;
  }

  async bind(): Promise<dgram.Socket> {
    if (!this.range) return this.bindPort(0);
    const { portMin, portMax } = this.range;
    const first = portMin + (portMin % 2);
    const count = Math.floor((portMax - first) / 2) + 1;
    for (let attempt = 0; attempt < count; attempt++) {
      const port = this.cursor;
      this.cursor = port + 2 > portMax ? first : port + 2;
      try {
        return await this.bindPort(port);
      } catch (err) {
        if (err instanceof MixerError && err.code === MixerErrorCode.NoPort) continue;
        throw err;
      }
    }
    throw new MixerError(MixerErrorCode.NoPort, `no free even UDP port in ${portMin}-${portMax} on ${this.address}`);
  }

  private async bindPort(port: number): Promise<dgram.Socket> {
    try {
      return await bindOnce(this.address, port);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new MixerError(MixerErrorCode.NoPort, `UDP port ${port} is taken`, { cause: err });
      throw new MixerError(MixerErrorCode.Bind, `cannot bind a UDP socket on ${this.address}:${port}: ${(err as Error).message}`, { cause: err });
    }
  }
}
