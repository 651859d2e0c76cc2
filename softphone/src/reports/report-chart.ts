/**
 * One uPlot chart in a container: time on x (labelled in the centre's time zone), one or two
 * y scales. `render` replaces the chart (the series may change between queries); the chart follows
 * the container's width. The container carries the chart's accessible name (`role="img"`).
 */
import uPlot from 'uplot';
import { localDateTime } from './zoned-time';

export interface ChartSeries {
  label: string;
  /** Scale key: `count`, `percent` or `seconds`. */
  scale: ChartScale;
  color: string;
  bars?: boolean;
  values: Array<number | null>;
}

export type ChartScale = 'count' | 'percent' | 'seconds';

export interface ChartSpec {
  /** Accessible name and summary, e.g. "Offered, answered and abandoned calls per hour". */
  label: string;
  x: number[];
  series: ChartSeries[];
  timeZone: string;
  /** Axis labels per scale used. */
  axisLabels: Partial<Record<ChartScale, string>>;
  /** Daily buckets label their ticks with dates only. */
  daily: boolean;
}

/** A time tick in the centre's zone, 24-hour clock: `14:00`, or `03-02` at midnight and for daily buckets. */
export function tickLabel(seconds: number, timeZone: string, daily: boolean): string {
  const [date, time] = localDateTime(seconds * 1000, timeZone).split(' ') as [string, string];
  return daily || time === '00:00' ? date.slice(5) : time;
}

export const HEIGHT = 260;
const MIN_WIDTH = 280;

const formatValue: Record<ChartScale, (v: number) => string> = {
  count: (v) => String(Math.round(v)),
  percent: (v) => `${v.toFixed(1)} %`,
  seconds: (v) => `${v.toFixed(1)} s`,
};

export class ReportChart {
  private plot: uPlot | undefined;
  private readonly resize: ResizeObserver | undefined;

  constructor(private readonly container: HTMLElement) {
    this.container.setAttribute('role', 'img');
    if (typeof ResizeObserver !== 'undefined') {
      this.resize = new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: HEIGHT }));
      this.resize.observe(container);
    }
  }

  render(spec: ChartSpec): void {
    this.plot?.destroy();
    this.container.setAttribute('aria-label', spec.label);
    const scales = [...new Set(spec.series.map((s) => s.scale))];
    const bars = uPlot.paths.bars?.({ size: [0.7, 60] });
    const options: uPlot.Options = {
      width: this.width(),
      height: HEIGHT,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), spec.timeZone),
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true },
        count: { range: (_u, _min, max) => [0, Math.max(1, max)] },
        percent: { range: [0, 100] },
        seconds: { range: (_u, _min, max) => [0, Math.max(1, max)] },
      },
      series: [
        { label: 'Time' },
        ...spec.series.map((s): uPlot.Series => ({
          label: s.label,
          scale: s.scale,
          stroke: s.color,
          width: 2,
          ...(s.bars && bars ? { paths: bars, fill: `${s.color}55`, points: { show: false } } : { points: { show: true, size: 5 } }),
          value: (_u, v) => (v === null || v === undefined ? '–' : formatValue[s.scale](v)),
        })),
      ],
      axes: [
        { stroke: '#333', grid: { stroke: '#e4e4e4' }, values: (_u, ticks) => ticks.map((t) => tickLabel(t, spec.timeZone, spec.daily)) },
        ...scales.map((scale, i): uPlot.Axis => ({
          scale,
          side: i === 0 ? 3 : 1,
          label: spec.axisLabels[scale] ?? '',
          stroke: '#333',
          grid: { show: i === 0, stroke: '#e4e4e4' },
          values: (_u, ticks) => ticks.map((t) => (scale === 'count' ? (Number.isInteger(t) ? String(t) : '') : String(t))),
        })),
      ],
    };
    this.plot = new uPlot(options, [spec.x, ...spec.series.map((s) => s.values)] as uPlot.AlignedData, this.container);
  }

  destroy(): void {
    this.resize?.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }

  private width(): number {
    return Math.max(MIN_WIDTH, Math.floor(this.container.clientWidth || MIN_WIDTH));
  }
}
