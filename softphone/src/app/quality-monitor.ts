import { i18n } from '../i18n/translator';
import type { QualityView } from '../ui/quality-view';
import { assessQuality, degraded, sampleBetween, totalsOf, type QualityAssessment, type QualityLevel, type StatsTotals } from './call-quality';

/** How often the call's statistics are read. */
export const DEFAULT_QUALITY_POLL_MS = 2000;

export interface QualityMonitorOptions {
  view: QualityView;
  /** Tells the operator the quality dropped (once per drop). */
  warn(text: string): void;
  pollMs?: number;
}

/** Reads `getStats()` of the call's peer connection while it runs and keeps the quality line current. */
export class QualityMonitor {
  private readonly o: QualityMonitorOptions;
  private timer: ReturnType<typeof setInterval> | undefined;
  private pc: Pick<RTCPeerConnection, 'getStats'> | undefined;
  private totals: StatsTotals | undefined;
  private level: QualityLevel | undefined;
  private latest: QualityAssessment | undefined;
  private polling = false;

  constructor(options: QualityMonitorOptions) {
    this.o = options;
    options.view.hide();
  }

  /** The last assessment of the running (or last) call. */
  get last(): QualityAssessment | undefined {
    return this.latest;
  }

  start(pc: Pick<RTCPeerConnection, 'getStats'> | undefined): void {
    this.stop();
    if (!pc) return;
    this.pc = pc;
    this.latest = undefined;
    this.o.view.measuring();
    this.timer = setInterval(() => void this.poll(), this.o.pollMs ?? DEFAULT_QUALITY_POLL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.pc = undefined;
    this.totals = undefined;
    this.level = undefined;
    this.o.view.hide();
  }

  async poll(): Promise<void> {
    const pc = this.pc;
    if (!pc || this.polling) return;
    this.polling = true;
    try {
      const report = await pc.getStats();
      if (pc !== this.pc) return;
      const totals = totalsOf(report as unknown as Iterable<[string, unknown]>);
      const sample = sampleBetween(this.totals, totals);
      this.totals = totals;
      if (!sample) return;
      const q = assessQuality(sample);
      this.latest = q;
      this.o.view.show(q);
      if (degraded(this.level, q.level)) this.o.warn(i18n.t('quality.warning', { level: i18n.t(`quality.${q.level}`) }));
      this.level = q.level;
    } catch {
      // the connection closed between two polls: the call is ending, the next transition stops us
    } finally {
      this.polling = false;
    }
  }
}
