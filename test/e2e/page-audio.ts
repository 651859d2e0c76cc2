import type { Page } from 'playwright-core';

/** Level of `frequency` in what the page plays from the call (Web Audio on the call's audio elements), tried every 100 ms up to `attempts` times. */
export async function pageHears(page: Page, frequency: number, attempts = 200): Promise<{ detected: boolean; peakHz: number; levelDb: number }> {
  return page.evaluate(async ([f, tries]) => {
    const streams = [...document.querySelectorAll('audio, video')]
      .map((e) => (e as HTMLMediaElement).srcObject)
      .filter((s): s is MediaStream => s instanceof MediaStream && s.getAudioTracks().some((t) => t.readyState === 'live'));
    if (streams.length === 0) return { detected: false, peakHz: 0, levelDb: -Infinity };
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 4096;
    for (const s of streams) ctx.createMediaStreamSource(s).connect(analyser);
    const bins = new Float32Array(analyser.frequencyBinCount);
    const hzPerBin = ctx.sampleRate / analyser.fftSize;
    let last = { detected: false, peakHz: 0, levelDb: -Infinity };
    for (let i = 0; i < tries; i++) {
      await new Promise((r) => setTimeout(r, 100));
      analyser.getFloatFrequencyData(bins);
      let peak = 2;
      for (let b = 2; b < bins.length; b++) if (bins[b]! > bins[peak]!) peak = b;
      const levelDb = bins[Math.round(f / hzPerBin)]!;
      last = { peakHz: peak * hzPerBin, levelDb, detected: Math.abs(peak * hzPerBin - f) <= 3 * hzPerBin && levelDb > -60 };
      if (last.detected) break;
    }
    await ctx.close();
    return last;
  }, [frequency, attempts] as const);
}


/**
 * Whether the page plays each of `frequencies` at once (a conference: the other two parties): each
 * counts when its level is above -60 dB and within 20 dB of the loudest bin. Tried every 100 ms up
 * to `attempts` times until all are there.
 */
export async function pageHearsEach(page: Page, frequencies: number[], attempts = 200): Promise<{ detected: boolean; levelsDb: number[]; peakDb: number }> {
  return page.evaluate(async ([fs, tries]) => {
    const streams = [...document.querySelectorAll('audio, video')]
      .map((e) => (e as HTMLMediaElement).srcObject)
      .filter((s): s is MediaStream => s instanceof MediaStream && s.getAudioTracks().some((t) => t.readyState === 'live'));
    if (streams.length === 0) return { detected: false, levelsDb: [], peakDb: -Infinity };
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 4096;
    for (const s of streams) ctx.createMediaStreamSource(s).connect(analyser);
    const bins = new Float32Array(analyser.frequencyBinCount);
    const hzPerBin = ctx.sampleRate / analyser.fftSize;
    let last = { detected: false, levelsDb: [] as number[], peakDb: -Infinity };
    for (let i = 0; i < tries; i++) {
      await new Promise((r) => setTimeout(r, 100));
      analyser.getFloatFrequencyData(bins);
      let peakDb = -Infinity;
      for (let b = 2; b < bins.length; b++) peakDb = Math.max(peakDb, bins[b]!);
      // the strongest bin within one bin of each frequency (a tone's energy can straddle two bins)
      const levelsDb = fs.map((f) => {
        const at = Math.round(f / hzPerBin);
        return Math.max(bins[at - 1]!, bins[at]!, bins[at + 1]!);
      });
      last = { levelsDb, peakDb, detected: levelsDb.every((l) => l > -60 && l >= peakDb - 20) };
      if (last.detected) break;
    }
    await ctx.close();
    return last;
  }, [frequencies, attempts] as const);
}
