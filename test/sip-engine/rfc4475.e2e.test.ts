/**
 * RFC 4475 torture requests sent to a running engine over UDP: each gets the answer the RFC asks
 * for (400, 505, 416, 420) or is dropped, valid ones reach the drachtio-srf app, and the engine
 * keeps serving afterwards.
 */
import * as dgram from 'node:dgram';
import { startEngine, type EngineFixture } from './fixture';
import * as valid from './rfc4475/valid';
import * as invalid from './rfc4475/invalid';
import * as semantics from './rfc4475/semantics';

/** Points the top Via at the test's socket (UDP), keeping the rest of the message byte for byte. */
function retarget(bytes: Buffer, port: number): Buffer {
  const text = bytes.toString('latin1');
  const via = /^((?:via|v)[ \t]*:\s*SIP\s*\/\s*[\d.]+\s*\/\s*)[A-Za-z]+(\s+)[^\s;,]+/im;
  if (!via.test(text)) return bytes;
  return Buffer.from(text.replace(via, `$1UDP$2127.0.0.1:${port}`), 'latin1');
}

/** Sends one datagram; resolves with the final status that comes back, or 'drop' after windowMs. */
async function exchange(port: number, bytes: Buffer, windowMs: number): Promise<number | 'drop'> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  try {
    return await new Promise<number | 'drop'>((resolve) => {
      const timer = setTimeout(() => resolve('drop'), windowMs);
      socket.on('message', (b) => {
        // an answer to a broken request copies its broken headers: read the status line only
        const m = /^SIP\/2\.0 (\d{3}) /.exec(b.toString('latin1'));
        if (!m || Number(m[1]) < 200) return;
        clearTimeout(timer);
        resolve(Number(m[1]));
      });
      socket.send(retarget(bytes, socket.address().port), port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

describe('RFC 4475 requests to the engine', () => {
  let fx: EngineFixture;
  const reached: string[] = [];
  beforeAll(async () => {
    fx = await startEngine({ protocols: ['udp'] });
    for (const [method, status] of [['options', 200], ['register', 200], ['invite', 488]] as const) {
      fx.srf.use(method, (req, res) => {
        reached.push(req.get('Call-ID'));
        res.send(status);
      });
    }
  });
  afterAll(async () => fx.close());

  const cases: Array<[string, Buffer, number | 'drop']> = [
    ['wsinv (To tag of no dialog)', valid.wsinv, 481],
    ['esc02 (unknown method)', valid.esc02, 501],
    ['esc01', valid.esc01, 488],
    ['lwsdisp', valid.lwsdisp, 200],
    ['dblreq (trailing INVITE ignored)', valid.dblreq, 200],
    ['semiuri', valid.semiuri, 200],
    ['badinv01', invalid.badinv01, 400],
    ['clerr', invalid.clerr, 400],
    ['ncl', invalid.ncl, 400],
    ['scalar02', invalid.scalar02, 400],
    ['quotbal', invalid.quotbal, 400],
    ['ltgtruri', invalid.ltgtruri, 400],
    ['lwsruri', invalid.lwsruri, 400],
    ['lwsstart', invalid.lwsstart, 400],
    ['trws', invalid.trws, 400],
    ['escruri', invalid.escruri, 400],
    ['baddate', invalid.baddate, 400],
    ['regbadct', invalid.regbadct, 400],
    ['badaspec', invalid.badaspec, 400],
    ['baddn', invalid.baddn, 400],
    ['badvers', invalid.badvers, 505],
    ['mismatch01', invalid.mismatch01, 400],
    ['mismatch02', invalid.mismatch02, 400],
    ['insuf', semantics.insuf, 'drop'],
    ['unkscm', semantics.unkscm, 416],
    ['novelsc', semantics.novelsc, 416],
    ['bext01', semantics.bext01, 420],
    ['multi01', semantics.multi01, 400],
    ['mcl01', semantics.mcl01, 400],
    ['zeromf', semantics.zeromf, 200],
    ['cparam01', semantics.cparam01, 200],
  ];

  it('answers or drops each message as the RFC expects, and still serves a good request after', async () => {
    const wrong: string[] = [];
    for (const [name, bytes, expected] of cases) {
      const got = await exchange(fx.sipPort, bytes, expected === 'drop' ? 400 : 5000);
      if (got !== expected) wrong.push(`${name}: expected ${expected}, got ${got}`);
    }
    expect(wrong).toEqual([]);
    expect(reached).toEqual(expect.arrayContaining(['esc01.239409asdfakjkn23onasd0-3234', 'dblreq.0ha0isndaksdj99sdfafnl3lk233412']));
    expect(reached.some((id) => id.startsWith('badinv01'))).toBe(false);
    expect(await exchange(fx.sipPort, valid.lwsdisp, 5000)).toBe(200);
  });
});
