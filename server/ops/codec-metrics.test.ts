import { Registry } from 'prom-client';
import { codecLabel, CodecMetrics } from './codec-metrics';

describe('CodecMetrics', () => {
  it.each([['PCMU/8000', 'PCMU'], ['pcma/8000', 'PCMA'], ['opus/48000/2', 'opus'], ['G729/8000', 'other'], ['', 'other']])('labels %s as %s', (codec, label) => {
    expect(codecLabel(codec)).toBe(label);
  });

  it('counts legs by codec pair, transcoding and policy', async () => {
    const registry = new Registry();
    const m = new CodecMetrics(registry);
    m.legConnected({ callerCodec: 'PCMU/8000', legCodec: 'PCMU/8000', transcoded: false, policy: 'avoid-transcoding' });
    m.legConnected({ callerCodec: 'PCMU/8000', legCodec: 'PCMU/8000', transcoded: false, policy: 'avoid-transcoding' });
    m.legConnected({ callerCodec: 'PCMA/8000', legCodec: 'opus/48000/2', transcoded: true, policy: 'opus' });
    m.legConnected({ callerCodec: 'PCMU/8000', legCodec: 'PCMU/8000', transcoded: true, policy: undefined });
    const text = await registry.metrics();
    expect(text).toContain('switchboard_operator_legs_total{caller_codec="PCMU",operator_codec="PCMU",transcoded="no",policy="avoid-transcoding"} 2');
    expect(text).toContain('switchboard_operator_legs_total{caller_codec="PCMA",operator_codec="opus",transcoded="yes",policy="opus"} 1');
    expect(text).toContain('switchboard_operator_legs_total{caller_codec="PCMU",operator_codec="PCMU",transcoded="yes",policy="default"} 1');
  });
});
