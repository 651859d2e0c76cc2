import type { QualityAssessment } from '../app/call-quality';
import { i18n } from '../i18n/translator';
import { byId } from './dom';

/** The call quality line in the call panel: good / fair / poor with the figures behind it. */
export class QualityView {
  private readonly line: HTMLElement;
  private readonly level: HTMLElement;
  private readonly details: HTMLElement;

  constructor(doc: Document) {
    this.line = byId(doc, 'call-quality', HTMLElement);
    this.level = byId(doc, 'quality-level', HTMLElement);
    this.details = byId(doc, 'quality-details', HTMLElement);
  }

  measuring(): void {
    this.line.dataset.level = 'none';
    this.level.textContent = i18n.t('quality.measuring');
    this.details.textContent = '';
    this.line.hidden = false;
  }

  show(q: QualityAssessment): void {
    this.line.dataset.level = q.level;
    this.line.dataset.mos = String(q.mos);
    this.level.textContent = i18n.t(`quality.${q.level}`);
    this.details.textContent = i18n.t('quality.details', {
      mos: q.mos.toFixed(1), rtt: Math.round(q.rttMs), jitter: Math.round(q.jitterMs), loss: q.lossPercent.toFixed(1),
    });
  }

  hide(): void {
    this.line.hidden = true;
    this.line.dataset.level = 'none';
  }
}
