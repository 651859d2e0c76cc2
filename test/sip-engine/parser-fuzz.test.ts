/**
 * Bounded fuzz of the parser: a few thousand mutations of the RFC 4475 messages (flipped, inserted,
 * deleted, duplicated and truncated bytes, stray separators) must each be parsed or refused with
 * a SipParseError, never crash, and never take long; whatever is accepted or answerable must also
 * serialise and build a response. Seeded, so a failure names an input that can be replayed.
 */
import { parseMessage, SipParseError } from '../../server/sip-engine/message/parser';
import { makeResponse } from '../../server/sip-engine/message/message';
import * as valid from './rfc4475/valid';
import * as invalid from './rfc4475/invalid';
import * as semantics from './rfc4475/semantics';

const SEEDS: Buffer[] = [...Object.values(valid), ...Object.values(invalid), ...Object.values(semantics)].filter(
  (v): v is Buffer => Buffer.isBuffer(v),
);
const INPUTS_PER_SEED = Number(process.env.FUZZ_INPUTS_PER_SEED ?? 80);
/** A parse slower than this is reported as a hang (generous: the machine may be loaded). */
const SLOW_MS = 1000;
const SPECIALS = Buffer.from(';,:<>"\\\r\n\t %@?=/[]\0\x7f\xff');

/** mulberry32: small deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(input: Buffer, rand: () => number): Buffer {
  let b = Buffer.from(input);
  const rounds = 1 + Math.floor(rand() * 4);
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(rand() * (b.length + 1));
    const len = 1 + Math.floor(rand() * 16);
    switch (Math.floor(rand() * 6)) {
      case 0: // flip a byte
        if (b.length > 0) b[Math.min(at, b.length - 1)] = Math.floor(rand() * 256);
        break;
      case 1: // insert a separator or control byte
        b = Buffer.concat([b.subarray(0, at), SPECIALS.subarray(Math.floor(rand() * SPECIALS.length)).subarray(0, 1), b.subarray(at)]);
        break;
      case 2: // delete a range
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + len)]);
        break;
      case 3: // duplicate a range
        b = Buffer.concat([b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)]);
        break;
      case 4: // truncate
        b = b.subarray(0, at);
        break;
      default: // replace a digit run with a huge number
        b = Buffer.concat([b.subarray(0, at), Buffer.from('9'.repeat(len * 3)), b.subarray(at)]);
    }
  }
  return b;
}

describe('parser fuzz (bounded)', () => {
  it(`survives ${SEEDS.length * INPUTS_PER_SEED} mutated messages`, () => {
    const rand = rng(4475);
    const problems: string[] = [];
    let accepted = 0;
    let answerable = 0;
    for (const seed of SEEDS) {
      for (let i = 0; i < INPUTS_PER_SEED; i++) {
        const input = mutate(seed, rand);
        for (const streamed of [false, true]) {
          const started = performance.now();
          try {
            const msg = parseMessage(input, streamed);
            accepted++;
            msg.toBuffer();
            if (msg.kind === 'request') makeResponse(msg, 200, 't').toBuffer();
          } catch (err) {
            if (!(err instanceof SipParseError)) {
              problems.push(`${(err as Error).stack?.split('\n').slice(0, 3).join(' | ')} for ${JSON.stringify(input.toString('latin1'))}`);
            } else if (err.request) {
              answerable++;
              makeResponse(err.request, err.status, 'bad').toBuffer();
            }
          }
          const took = performance.now() - started;
          if (took > SLOW_MS) problems.push(`took ${took.toFixed(0)} ms for ${JSON.stringify(input.toString('latin1').slice(0, 200))}`);
        }
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    // the mutations are mild enough that both outcomes occur
    expect(accepted).toBeGreaterThan(0);
    expect(answerable).toBeGreaterThan(0);
  });
});
