import { JitterBuffer } from './jitter-buffer';

type Step = ['push', number] | ['push-ssrc', number, number] | ['pop', number | undefined];

/** Runs push/pop steps (frames are their own sequence numbers) and checks every pop. */
function play(steps: Step[], options: ConstructorParameters<typeof JitterBuffer>[0] = {}): JitterBuffer<number> {
  const jb = new JitterBuffer<number>({ capacity: 5, prefetch: 2, trimAfter: 1000, ...options });
  steps.forEach((step, i) => {
    if (step[0] === 'push') jb.push(1, step[1] & 0xffff, step[1]);
    else if (step[0] === 'push-ssrc') jb.push(step[1], step[2] & 0xffff, step[2]);
    else expect({ step: i, frame: jb.pop() }).toEqual({ step: i, frame: step[1] });
  });
  return jb;
}

describe('JitterBuffer', () => {
  it.each<[string, Step[], Partial<ReturnType<JitterBuffer<number>['stats']>>]>([
    ['plays in order once primed', [['pop', undefined], ['push', 10], ['pop', undefined], ['push', 11], ['pop', 10], ['push', 12], ['pop', 11], ['pop', 12]], { played: 3 }],
    ['puts reordered packets back in order', [['push', 10], ['push', 12], ['push', 11], ['pop', 10], ['pop', 11], ['pop', 12]], { played: 3, late: 0 }],
    ['drops a packet that comes after its playout', [['push', 10], ['push', 12], ['pop', 10], ['pop', undefined], ['push', 11], ['pop', 12]], { late: 1, concealed: 1 }],
    ['drops duplicates', [['push', 10], ['push', 10], ['push', 11], ['pop', 10], ['pop', 11]], { duplicate: 1 }],
    ['follows sequence numbers across the 16-bit wrap', [['push', 65534], ['push', 65535], ['push', 65536], ['pop', 65534], ['pop', 65535], ['pop', 65536]], { played: 3, late: 0 }],
    ['waits for the prefetch again after an underrun', [['push', 1], ['push', 2], ['pop', 1], ['pop', 2], ['pop', undefined], ['push', 3], ['pop', undefined], ['push', 4], ['pop', 3]], { underruns: 1 }],
    ['drops the oldest frames when full', [['push', 1], ['push', 2], ['push', 3], ['push', 4], ['push', 5], ['push', 6], ['push', 7], ['pop', 3], ['pop', 4]], { overflow: 2 }],
    ['jumps to a far-ahead packet without playing a gap of silence', [['push', 1], ['push', 2], ['pop', 1], ['pop', 2], ['push', 500], ['push', 501], ['pop', 500], ['pop', 501]], { overflow: 0, concealed: 0 }],
    ['restarts on a new SSRC', [['push', 1], ['push', 2], ['pop', 1], ['push-ssrc', 2, 900], ['push-ssrc', 2, 901], ['pop', 900]], { resets: 1 }],
  ])('%s', (_name, steps, stats) => {
    expect(play(steps).stats()).toMatchObject(stats);
  });

  it('trims back to the prefetch depth when the sender runs fast', () => {
    const jb = new JitterBuffer<number>({ capacity: 5, prefetch: 2, trimAfter: 3 });
    let seq = 0;
    jb.push(1, seq, seq++);
    jb.push(1, seq, seq++);
    jb.push(1, seq, seq++); // one frame deeper than the prefetch
    const popped: (number | undefined)[] = [];
    for (let tick = 0; tick < 6; tick++) {
      popped.push(jb.pop());
      jb.push(1, seq, seq++);
    }
    expect(jb.stats().trimmed).toBe(1);
    expect(jb.size).toBe(2);
    expect(popped.filter((f) => f !== undefined)).toEqual([0, 1, 3, 4, 5, 6]);
  });

  it('drops the frames of ticks the mixer skipped, keeping newer ones', () => {
    const jb = new JitterBuffer<number>({ capacity: 5, prefetch: 2 });
    for (let seq = 1; seq <= 5; seq++) jb.push(1, seq, seq);
    jb.skip(3);
    expect(jb.pop()).toBe(4);
    expect(jb.stats()).toMatchObject({ discarded: 3 });
    jb.skip(10); // more than is buffered: stops when empty
    expect(jb.size).toBe(0);
  });

  it('rejects a prefetch larger than the capacity', () => {
    expect(() => new JitterBuffer({ capacity: 2, prefetch: 3 })).toThrow(RangeError);
    expect(() => new JitterBuffer({ capacity: 0 })).toThrow(RangeError);
  });
});
