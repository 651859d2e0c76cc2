import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { recordingFiles } from '../../media';
import { waitFor } from '../support/processes';
import { newCallId, startTestRelay, type TestRelay } from './relay-fixture';

/** Reads the link type and the number of packets of a classic pcap file. */
function pcapInfo(file: Buffer): { linkType: number; packets: number } {
  const magic = file.readUInt32LE(0);
  if (magic !== 0xa1b2c3d4) throw new Error(`not a little-endian pcap file (magic ${magic.toString(16)})`);
  let packets = 0;
  for (let pos = 24; pos + 16 <= file.length && packets < 100000; packets++) pos += 16 + file.readUInt32LE(pos + 8);
  return { linkType: file.readUInt32LE(20), packets };
}

/** Per-call recording with rtpengine's pcap method, switched by config or per call. */
describe('recording', () => {
  let relay: TestRelay;
  beforeAll(async () => { relay = await startTestRelay({ recordCalls: true }); });
  afterAll(async () => { await relay?.dispose(); });

  async function bridgedCall(callId: string, record?: boolean) {
    const a = await relay.endpoint();
    const b = await relay.endpoint();
    b.useRemoteSdp((await relay.relay.offer({ callId, fromTag: 'a', sdp: a.sdp(), from: 'trunk', to: 'trunk', record })).sdp);
    a.useRemoteSdp((await relay.relay.answer({ callId, fromTag: 'a', toTag: 'b', sdp: b.sdp(), from: 'trunk', to: 'trunk' })).sdp);
    a.startSending(440);
    b.startSending(1000);
    await a.waitForSamples(8000);
    await b.waitForSamples(8000);
    a.stopSending();
    b.stopSending();
  }

  it('writes pcap files named by the call id into the configured directory', async () => {
    const callId = newCallId('rec');
    await bridgedCall(callId);
    await relay.relay.delete({ callId });
    await waitFor(async () => (await recordingFiles(relay.recordingDir, callId)).length > 0, 'pcap files', 5000);
    const files = await recordingFiles(relay.recordingDir, callId);
    let packets = 0;
    for (const f of files) {
      const info = pcapInfo(await readFile(f));
      expect(info.linkType).toBe(1); // Ethernet (--recording-format=eth)
      packets += info.packets;
    }
    expect(packets).toBeGreaterThan(50);
    expect(files).toHaveLength(1);
    const metadata = await readdir(join(relay.recordingDir, 'metadata'));
    expect(metadata.some((m) => m.startsWith(`rtpengine-meta-${callId}-`))).toBe(true);
  });

  it('records nothing for a call with record: false', async () => {
    const callId = newCallId('norec');
    await bridgedCall(callId, false);
    await relay.relay.delete({ callId });
    expect(await recordingFiles(relay.recordingDir, callId)).toEqual([]);
  });

  it('start recording / stop recording switch it on for a running call', async () => {
    const callId = newCallId('later');
    await bridgedCall(callId, false);
    await relay.relay.startRecording({ callId });
    await relay.relay.stopRecording({ callId });
    await relay.relay.delete({ callId });
    await waitFor(async () => (await recordingFiles(relay.recordingDir, callId)).length > 0, 'pcap files', 5000);
    const sizes = await Promise.all((await recordingFiles(relay.recordingDir, callId)).map(async (f) => (await stat(f)).size));
    expect(sizes.every((s) => s >= 24)).toBe(true);
  });
});
