import type { Page } from 'playwright-core';
import { keepLoopbackCandidates } from './browser';

export interface BrowserToneLevel {
  /** Frequency of the strongest bin, Hz. */
  peakHz: number;
  /** Level of the bin nearest the wanted frequency, dBFS. */
  levelDb: number;
  detected: boolean;
}

/** State kept on `window` by the page-side code below. */
interface PeerWindow {
  sbPeer?: RTCPeerConnection;
  sbAnalyser?: AnalyserNode;
  sbAudio?: HTMLAudioElement;
}

/**
 * A WebRTC softphone stand-in inside a test page: microphone (the fake WAV) out, remote audio into a
 * Web Audio AnalyserNode. All candidates other than 127.0.0.1 are dropped from its SDP.
 */
export class BrowserPeer {
  constructor(readonly page: Page) {}

  /** Answers an SDP offer (e.g. rtpengine's, for an incoming call) and returns the answer once ICE gathering is done. */
  async answer(offerSdp: string): Promise<string> {
    await this.setup();
    const sdp = await this.page.evaluate(async (offer) => {
      const w = window as unknown as PeerWindow;
      const pc = w.sbPeer!;
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      await pc.setLocalDescription(await pc.createAnswer());
      await gathered(pc);
      return pc.localDescription!.sdp;
      function gathered(p: RTCPeerConnection): Promise<void> {
        return new Promise((resolve) => {
          if (p.iceGatheringState === 'complete') return resolve();
          const t = setTimeout(resolve, 5000);
          p.addEventListener('icegatheringstatechange', () => { if (p.iceGatheringState === 'complete') { clearTimeout(t); resolve(); } });
        });
      }
    }, offerSdp);
    return keepLoopbackCandidates(sdp);
  }

  /** Creates an SDP offer (an outgoing call from the softphone). */
  async offer(): Promise<string> {
    await this.setup();
    const sdp = await this.page.evaluate(async () => {
      const pc = (window as unknown as PeerWindow).sbPeer!;
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') return resolve();
        const t = setTimeout(resolve, 5000);
        pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); } });
      });
      return pc.localDescription!.sdp;
    });
    return keepLoopbackCandidates(sdp);
  }

  /**
   * A new offer on the running connection with the audio transceiver set to `direction`
   * (`sendonly`/`inactive` put the call on hold, `sendrecv` resumes), as a softphone's re-INVITE.
   */
  async reoffer(direction: RTCRtpTransceiverDirection): Promise<string> {
    const sdp = await this.page.evaluate(async (dir) => {
      const pc = (window as unknown as PeerWindow).sbPeer!;
      for (const t of pc.getTransceivers()) t.direction = dir;
      await pc.setLocalDescription(await pc.createOffer());
      return pc.localDescription!.sdp;
    }, direction);
    return keepLoopbackCandidates(sdp);
  }

  /** Sends `tones` with the RTCDTMFSender (RFC 4733) and resolves when the last one ended. */
  async insertDtmf(tones: string, durationMs = 100, gapMs = 70): Promise<void> {
    await this.page.evaluate(({ tones, durationMs, gapMs }) => new Promise<void>((resolve, reject) => {
      const sender = (window as unknown as PeerWindow).sbPeer!.getSenders().find((s) => s.track?.kind === 'audio');
      const dtmf = sender?.dtmf;
      if (!dtmf || !dtmf.canInsertDTMF) return reject(new Error('this connection cannot send DTMF (no telephone-event negotiated)'));
      const t = setTimeout(() => reject(new Error(`DTMF "${tones}" still playing after 20 s`)), 20000);
      dtmf.addEventListener('tonechange', (e) => { if ((e as RTCDTMFToneChangeEvent).tone === '') { clearTimeout(t); resolve(); } });
      dtmf.insertDTMF(tones, durationMs, gapMs);
    }), { tones, durationMs, gapMs });
  }

  /** The loudest level (RMS, dBFS) of the remote audio over `ms`, sampled every 50 ms. */
  async peakLevelDb(ms = 1500): Promise<number> {
    return this.page.evaluate(async (ms) => {
      const a = (window as unknown as PeerWindow).sbAnalyser;
      if (!a) return -Infinity;
      const buf = new Float32Array(a.fftSize);
      let peak = -Infinity;
      const end = Date.now() + ms;
      while (Date.now() < end) {
        a.getFloatTimeDomainData(buf);
        let sum = 0;
        for (const v of buf) sum += v * v;
        peak = Math.max(peak, 10 * Math.log10(sum / buf.length || 1e-12));
        await new Promise((r) => setTimeout(r, 50));
      }
      return peak;
    }, ms);
  }

  async acceptAnswer(answerSdp: string): Promise<void> {
    await this.page.evaluate((sdp) => (window as unknown as PeerWindow).sbPeer!.setRemoteDescription({ type: 'answer', sdp }), answerSdp);
  }

  /** Resolves when the peer connection is `connected` (ICE + DTLS done); rejects on failure or after timeoutMs. */
  async waitConnected(timeoutMs = 10000): Promise<void> {
    await this.page.evaluate((ms) => new Promise<void>((resolve, reject) => {
      const pc = (window as unknown as PeerWindow).sbPeer!;
      const check = (): boolean => {
        if (pc.connectionState === 'connected') { resolve(); return true; }
        if (pc.connectionState === 'failed' || pc.connectionState === 'closed') { reject(new Error(`peer connection ${pc.connectionState}`)); return true; }
        return false;
      };
      if (check()) return;
      const t = setTimeout(() => reject(new Error(`peer connection still ${pc.connectionState} after ${ms} ms`)), ms);
      pc.addEventListener('connectionstatechange', () => { if (check()) clearTimeout(t); });
    }), timeoutMs);
  }

  /** The negotiated audio codec, as the browser reports it in its statistics (e.g. audio/opus). */
  async codec(): Promise<string | undefined> {
    return this.page.evaluate(async () => {
      const stats = await (window as unknown as PeerWindow).sbPeer!.getStats();
      let mime: string | undefined;
      stats.forEach((s: { type: string; mimeType?: string }) => { if (s.type === 'codec' && s.mimeType?.startsWith('audio/') && !mime) mime = s.mimeType; });
      return mime;
    });
  }

  /** Polls the AnalyserNode until `frequency` is the strongest bin and above `minDb`, or the time is up. */
  async detectTone(frequency: number, timeoutMs = 8000, minDb = -50): Promise<BrowserToneLevel> {
    return this.page.evaluate(async ({ frequency, timeoutMs, minDb }) => {
      const w = window as unknown as PeerWindow;
      const deadline = Date.now() + timeoutMs;
      let last = { peakHz: 0, levelDb: -Infinity, detected: false };
      while (Date.now() < deadline) {
        const a = w.sbAnalyser;
        if (a) {
          const bins = new Float32Array(a.frequencyBinCount);
          a.getFloatFrequencyData(bins);
          const hzPerBin = a.context.sampleRate / a.fftSize;
          let peak = 1;
          for (let i = 2; i < bins.length; i++) if (bins[i] > bins[peak]) peak = i;
          const levelDb = Math.max(...[-1, 0, 1].map((d) => bins[Math.round(frequency / hzPerBin) + d]));
          last = { peakHz: peak * hzPerBin, levelDb, detected: Math.abs(peak * hzPerBin - frequency) <= 2 * hzPerBin && levelDb >= minDb };
          if (last.detected) return last;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      return last;
    }, { frequency, timeoutMs, minDb });
  }

  async close(): Promise<void> {
    await this.page.evaluate(() => (window as unknown as PeerWindow).sbPeer?.close()).catch(() => undefined);
  }

  private async setup(): Promise<void> {
    await this.page.evaluate(async () => {
      const w = window as unknown as PeerWindow;
      if (w.sbPeer) return;
      const mic = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
      const pc = new RTCPeerConnection({ iceServers: [] });
      for (const track of mic.getAudioTracks()) pc.addTrack(track, mic);
      pc.addEventListener('track', (e) => {
        const remote = e.streams[0] ?? new MediaStream([e.track]);
        // Chromium only pulls remote WebRTC audio through Web Audio while a media element plays it.
        const audio = new Audio();
        audio.muted = true;
        audio.srcObject = remote;
        void audio.play().catch(() => undefined);
        w.sbAudio = audio;
        const ctx = new AudioContext();
        void ctx.resume();
        const analyser = ctx.createAnalyser();
        analyser.fftSize = 8192;
        analyser.smoothingTimeConstant = 0.2;
        ctx.createMediaStreamSource(remote).connect(analyser);
        w.sbAnalyser = analyser;
      });
      w.sbPeer = pc;
    });
  }
}
