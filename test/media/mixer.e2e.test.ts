import * as dgram from 'node:dgram';
import { ConferenceMixer, DEFAULT_MAX_CATCH_UP_TICKS, isMixerError, MixerErrorCode, type Conference, type MixerClock, type MixerParticipant, type TelephoneEvent } from '../../media/mixer';
import { RtpEndpoint } from '../../media/testing/rtp-endpoint';
import { rms, toneRatio } from '../../media/testing/goertzel';
import { buildRtp, parseRtp, type RtpPacket } from '../../media/testing/rtp-packet';
import { g711Encode } from '../../media/testing/g711';

/** Real UDP sockets on 127.0.0.1: Node RTP endpoints sending tones through the mixer. */

const TONES = [440, 1000, 1600] as const;

interface Party {
  endpoint: RtpEndpoint;
  participant: MixerParticipant;
  tone: number;
}

/** What an endpoint hears over one second, after the stream has settled. */
async function hear(endpoint: RtpEndpoint): Promise<Int16Array> {
  endpoint.clearReceived();
  await endpoint.waitForSamples(8000 * 0.5, 20000); // let a change (someone leaving) reach the ear: packets in flight drain
  endpoint.clearReceived();
  return endpoint.waitForSamples(8000, 20000);
}

/** Energy share of each tone in what was heard (two equal tones hold about half each). */
const shares = (samples: Int16Array): Record<number, number> =>
  Object.fromEntries([...TONES, 2500].map((f) => [f, +toneRatio(samples, 8000, f).toFixed(2)]));

function expectHears(samples: Int16Array, present: number[], absent: number[]): void {
  const s = shares(samples);
  expect(rms(samples)).toBeGreaterThan(500);
  const missing = present.filter((f) => !(s[f] > 0.25));
  const unwanted = absent.filter((f) => !(s[f] < 0.03));
  expect({ missing, unwanted, shares: s }).toEqual({ missing: [], unwanted: [], shares: s });
}

describe('conference mixer over real sockets', () => {
  let mixer: ConferenceMixer;
  const endpoints: RtpEndpoint[] = [];
  const sockets: dgram.Socket[] = [];

  beforeEach(() => {
    mixer = new ConferenceMixer({ maxConferences: 4, maxParticipants: 4 });
  });
  afterEach(async () => {
    await mixer.close();
    await Promise.all(endpoints.splice(0).map((e) => e.close()));
    await Promise.all(sockets.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
  });

  /** Joins an endpoint; `latch` lets the mixer learn the endpoint from its first packet. */
  async function join(conference: Conference, codec: 'PCMU' | 'PCMA', tone: number, latch: boolean): Promise<Party> {
    const endpoint = await RtpEndpoint.open({ codec, maxSendSeconds: 60 });
    endpoints.push(endpoint);
    const participant = await conference.addParticipant({ codec, ptime: 20 });
    endpoint.useRemoteSdp(participant.sdp());
    if (!latch) participant.setRemoteSdp(endpoint.sdp());
    endpoint.startSending(tone);
    return { endpoint, participant, tone };
  }

  it('three parties (μ-law and A-law) each hear the other two and not themselves; one leaving leaves the other two connected', async () => {
    const conference = mixer.createConference();
    const a = await join(conference, 'PCMU', 440, true);
    const b = await join(conference, 'PCMA', 1000, false);
    const c = await join(conference, 'PCMU', 1600, true);
    expect(a.participant.sdp()).toMatch(/m=audio \d+ RTP\/AVP 0 101\r\n[\s\S]*a=rtpmap:101 telephone-event\/8000/);
    expect(b.participant.sdp()).toMatch(/m=audio \d+ RTP\/AVP 8 101\r\n/);

    const heard = await Promise.all([a, b, c].map((p) => hear(p.endpoint)));
    expectHears(heard[0], [1000, 1600], [440]);
    expectHears(heard[1], [440, 1600], [1000]);
    expectHears(heard[2], [440, 1000], [1600]);
    // Symmetric RTP: the mix comes from the port the SDP names, and was latched from the first packet.
    expect([...a.endpoint.receivedFrom().keys()]).toEqual([`127.0.0.1:${a.participant.localPort}`]);
    expect(a.participant.remote).toEqual({ address: '127.0.0.1', port: a.endpoint.port });

    const left: string[] = [];
    conference.on('participant-left', (p) => left.push(p.id));
    await conference.removeParticipant(c.participant);
    expect(left).toEqual([c.participant.id]);
    expect(conference.participants).toEqual([a.participant, b.participant]);
    c.endpoint.stopSending();
    const after = await Promise.all([a, b].map((p) => hear(p.endpoint)));
    expectHears(after[0], [1000], [440, 1600]);
    expectHears(after[1], [440], [1000, 1600]);
    for (const p of [a, b]) expect(p.participant.stats().jitter.late).toBeLessThan(25);
  });

  it('ignores packets from an unknown source', async () => {
    const conference = mixer.createConference();
    const a = await join(conference, 'PCMU', 440, false);
    const b = await join(conference, 'PCMA', 1000, true);
    await hear(b.endpoint); // b is latched now

    const intruder = dgram.createSocket('udp4');
    sockets.push(intruder);
    await new Promise<void>((r) => intruder.bind(0, '127.0.0.1', () => r()));
    const loud = g711Encode('PCMU', Int16Array.from({ length: 160 }, (_, i) => Math.round(20000 * Math.sin((2 * Math.PI * 2500 * i) / 8000))));
    const spam = setInterval(() => {
      for (const p of [a, b]) intruder.send(buildRtp({ payloadType: 0, sequence: 1, timestamp: 1, ssrc: 7, marker: false, payload: loud }), p.participant.localPort, '127.0.0.1');
    }, 10);
    try {
      const [heardA, heardB] = await Promise.all([hear(a.endpoint), hear(b.endpoint)]);
      expectHears(heardA, [1000], [2500, 440]);
      expectHears(heardB, [440], [2500, 1000]);
      expect(a.participant.stats().unknownSource).toBeGreaterThan(0);
      expect(b.participant.stats().unknownSource).toBeGreaterThan(0);
    } finally {
      clearInterval(spam);
    }
  });

  it('reports RFC 4733 events once each and keeps them out of the mix', async () => {
    const conference = mixer.createConference();
    const sender = dgram.createSocket('udp4');
    sockets.push(sender);
    await new Promise<void>((r) => sender.bind(0, '127.0.0.1', () => r()));
    const a = await conference.addParticipant({ codec: 'PCMU' });
    const b = await join(conference, 'PCMU', 1000, true);
    const events: TelephoneEvent[] = [];
    a.on('telephone-event', (e) => events.push(e));
    const got = new Promise<void>((resolve) => a.on('telephone-event', () => events.length === 2 && resolve()));
    const send = (event: number, ts: number, end: boolean, seq: number): void => {
      const payload = Buffer.from([event, (end ? 0x80 : 0) | 10, 0, 160]);
      sender.send(buildRtp({ payloadType: 101, sequence: seq, timestamp: ts, ssrc: 99, marker: !end, payload }), a.localPort, '127.0.0.1');
    };
    const latched = new Promise((r) => a.once('latched', r));
    send(5, 1000, false, 1);
    await latched;
    send(5, 1000, true, 2);
    send(5, 1000, true, 3);
    send(11, 2000, false, 4);
    await got;
    expect(events.map((e) => e.digit)).toEqual(['5', '#']);
    expect(a.stats()).toMatchObject({ telephoneEvents: 2, jitter: expect.objectContaining({ stored: 0 }) });
    // B hears nothing from A (its events are not audio) while A hears B.
    const heardB = await hear(b.endpoint);
    expect(rms(heardB)).toBeLessThan(50);
  });

  it('trips its limits with typed errors and counts them', async () => {
    const small = new ConferenceMixer({ maxConferences: 1, maxParticipants: 2 });
    const limits: string[] = [];
    small.on('limit', (kind) => limits.push(kind));
    try {
      const conference = small.createConference();
      expect(() => small.createConference()).toThrow(expect.objectContaining({ code: MixerErrorCode.ConferenceLimit }));
      await conference.addParticipant({ codec: 'PCMU' });
      await conference.addParticipant({ codec: 'PCMA' });
      await expect(conference.addParticipant({ codec: 'PCMU' })).rejects.toMatchObject({ code: MixerErrorCode.ParticipantLimit });
      await expect(conference.addParticipant({ codec: 'G722' as 'PCMU' })).rejects.toMatchObject({ code: MixerErrorCode.BadOption });
      await expect(conference.addParticipant({ codec: 'PCMU', ptime: 30 as 20 })).rejects.toMatchObject({ code: MixerErrorCode.BadOption });
      expect(small.stats()).toMatchObject({ conferences: 1, participants: 2, conferenceLimitTrips: 1, participantLimitTrips: 1 });
      expect(limits).toEqual(['conferences', 'participants']);
    } finally {
      await small.close();
    }
  });

  it('binds participants inside its port range and says when the range is used up', async () => {
    const probe = dgram.createSocket('udp4');
    await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
    const base = probe.address().port & ~1;
    await new Promise<void>((r) => probe.close(() => r()));
    const ranged = new ConferenceMixer({ portMin: base, portMax: base + 3, maxParticipants: 5 });
    try {
      const conference = ranged.createConference();
      const ports = [];
      for (let i = 0; i < 2; i++) {
        try {
          ports.push((await conference.addParticipant({ codec: 'PCMU' })).localPort);
        } catch (err) {
          if (!isMixerError(err, MixerErrorCode.NoPort)) throw err; // another process took one of the ports
        }
      }
      for (const port of ports) expect([base, base + 2]).toContain(port);
      await expect(conference.addParticipant({ codec: 'PCMU' })).rejects.toMatchObject({ code: MixerErrorCode.NoPort });
      await conference.participants[0]?.close();
      if (ports.length > 0) expect((await conference.addParticipant({ codec: 'PCMU' })).localPort).toBe(ports[0]);
    } finally {
      await ranged.close();
    }
    expect(() => new ConferenceMixer({ portMin: 40000 })).toThrow(expect.objectContaining({ code: MixerErrorCode.BadOption, message: expect.stringContaining('portMax') }));
    expect(() => new ConferenceMixer({ bindAddress: 'localhost' })).toThrow(expect.objectContaining({ code: MixerErrorCode.BadOption, message: expect.stringContaining('bindAddress') }));
    expect(() => new ConferenceMixer({ maxParticipants: 0 })).toThrow(expect.objectContaining({ message: expect.stringContaining('maxParticipants') }));
  });

  it('owns its lifecycle: close() is idempotent, closes the children, and closed objects throw', async () => {
    const conference = mixer.createConference();
    const p = await conference.addParticipant({ codec: 'PCMA' });
    const other = mixer.createConference();
    const q = await other.addParticipant({ codec: 'PCMU' });
    const port = q.localPort;

    await p.close();
    await p.close();
    expect(conference.participants).toEqual([]);
    expect(() => p.sdp()).toThrow(expect.objectContaining({ code: MixerErrorCode.InvalidState }));
    expect(() => p.setRemote('127.0.0.1', 4000)).toThrow(expect.objectContaining({ code: MixerErrorCode.InvalidState }));

    await Promise.all([conference.close(), conference.close()]);
    await expect(conference.addParticipant({ codec: 'PCMU' })).rejects.toMatchObject({ code: MixerErrorCode.InvalidState });
    expect(mixer.conferences).toEqual([other]);

    await Promise.all([mixer.close(), mixer.close()]);
    expect(other.closed && q.closed).toBe(true);
    expect(() => mixer.createConference()).toThrow(expect.objectContaining({ code: MixerErrorCode.InvalidState }));
    expect(mixer.stats()).toMatchObject({ conferences: 0, participants: 0 });
    // The port is free again.
    const again = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => { again.once('error', reject); again.bind(port, '127.0.0.1', () => resolve()); });
    await new Promise<void>((r) => again.close(() => r()));
  });

  it('sends one packet per tick of its clock, and moves the timestamps over ticks skipped after a stall', async () => {
    let time = 0;
    const timers: { at: number; cb: () => void }[] = [];
    const clock: MixerClock = {
      now: () => time,
      schedule(cb, delayMs) {
        const t = { at: time + delayMs, cb };
        timers.push(t);
        return () => void timers.splice(timers.indexOf(t), 1);
      },
    };
    const advanceTo = (to: number): void => {
      for (let t = timers.find((x) => x.at <= to); t; t = timers.find((x) => x.at <= to)) {
        timers.splice(timers.indexOf(t), 1);
        time = Math.max(time, t.at);
        t.cb();
      }
      time = to;
    };
    const clocked = new ConferenceMixer({ clock });
    const receiver = dgram.createSocket('udp4');
    sockets.push(receiver);
    await new Promise<void>((r) => receiver.bind(0, '127.0.0.1', () => r()));
    const packets: RtpPacket[] = [];
    receiver.on('message', (msg) => packets.push(parseRtp(msg)!));
    try {
      const conference = clocked.createConference();
      const p = await conference.addParticipant({ codec: 'PCMA' });
      p.setRemote('127.0.0.1', receiver.address().port);
      advanceTo(80); // ticks 0–4
      // A stall of 20 frames: the timer due at 100 fires at 480; ticks 5–24 are due, the last
      // DEFAULT_MAX_CATCH_UP_TICKS of them run back to back, the ones before are skipped.
      time = 480;
      advanceTo(480);
      const caughtUp = Array.from({ length: DEFAULT_MAX_CATCH_UP_TICKS }, (_, i) => 25 - DEFAULT_MAX_CATCH_UP_TICKS + i);
      const expected = [0, 1, 2, 3, 4, ...caughtUp];
      while (packets.length < expected.length) await new Promise((r) => setTimeout(r, 10));
      const ts0 = packets[0].timestamp;
      expect(packets.map((x) => ((x.timestamp - ts0) >>> 0) / 160)).toEqual(expected);
      expect(packets.map((x) => (x.sequence - packets[0].sequence) & 0xffff)).toEqual(expected.map((_, i) => i));
      expect(packets.every((x) => x.payloadType === 8 && x.payload.length === 160 && x.ssrc === packets[0].ssrc)).toBe(true);
      expect(packets[0].marker).toBe(true);
      expect(clocked.stats().ticker).toMatchObject({ ticks: expected.length, skipped: 20 - DEFAULT_MAX_CATCH_UP_TICKS, caughtUp: DEFAULT_MAX_CATCH_UP_TICKS - 1 });
    } finally {
      await clocked.close();
    }
  });
});
