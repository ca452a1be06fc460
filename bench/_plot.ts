/**
 * The queue benchmark's plot: time and peak memory against queue size, as a
 * small self-contained SVG (two panels, logarithmic size axis), so
 * `docs/figures.md` can show how cost grows at a glance.
 *
 * @module
 */

/** One queue size's figures, as the queue benchmark measured them. */
export interface ScalePoint {
  /** Rows in the queue. */
  size: number;
  /** Whole push, ms. */
  pushMs: number;
  /** `push --dry-run`, ms. */
  planMs: number;
  /** Peak RSS of the push, bytes. */
  peak: number;
  /** Peak RSS of the dry run, bytes. */
  planPeak: number;
  /** Peak RSS of a one-row push, bytes. */
  idlePeak: number;
}

const WIDTH = 340;
const HEIGHT = 240;
const MARGIN = { left: 56, right: 12, top: 28, bottom: 40 };

interface Axis {
  min: number;
  max: number;
  log: boolean;
}

function scale(axis: Axis, value: number, from: number, to: number): number {
  const [v, lo, hi] = axis.log
    ? [Math.log10(value), Math.log10(axis.min), Math.log10(axis.max)]
    : [value, axis.min, axis.max];
  return from + ((v - lo) / (hi - lo)) * (to - from);
}

interface Series {
  label: string;
  colour: string;
  values: number[];
  dashed?: boolean;
}

function ticks(axis: Axis): number[] {
  if (axis.log) {
    const out: number[] = [];
    for (let t = 10 ** Math.floor(Math.log10(axis.min)); t <= axis.max; t *= 10) {
      if (t >= axis.min) out.push(t);
    }
    return out;
  }
  const step = niceStep((axis.max - axis.min) / 4);
  const out: number[] = [];
  for (let t = Math.ceil(axis.min / step) * step; t <= axis.max; t += step) out.push(t);
  return out;
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = [1, 2, 5, 10].find((m) => m * power >= raw) ?? 10;
  return unit * power;
}

function label(value: number): string {
  if (value >= 1e6) return `${value / 1e6}M`;
  if (value >= 1e3) return `${value / 1e3}k`;
  return String(value);
}

/** One panel: axes, ticks, a line and dots per series, a legend. */
function panel(
  x0: number,
  title: string,
  sizes: number[],
  xAxis: Axis,
  yAxis: Axis,
  series: Series[],
): string {
  const [left, right] = [x0 + MARGIN.left, x0 + WIDTH - MARGIN.right];
  const [top, bottom] = [MARGIN.top, HEIGHT - MARGIN.bottom];
  const x = (v: number) => scale(xAxis, v, left, right).toFixed(1);
  const y = (v: number) => scale(yAxis, v, bottom, top).toFixed(1);
  const parts = [
    `<text x="${x0 + WIDTH / 2}" y="16" text-anchor="middle" font-weight="bold">${title}</text>`,
    `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#555"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#555"/>`,
    `<text x="${(left + right) / 2}" y="${HEIGHT - 6}" text-anchor="middle">queue rows</text>`,
  ];
  for (const t of ticks(xAxis)) {
    parts.push(
      `<text x="${x(t)}" y="${bottom + 14}" text-anchor="middle">${label(t)}</text>`,
    );
  }
  for (const t of ticks(yAxis)) {
    parts.push(
      `<line x1="${left}" y1="${y(t)}" x2="${right}" y2="${y(t)}" stroke="#eee"/>`,
      `<text x="${left - 4}" y="${y(t)}" text-anchor="end" dy="4">${label(t)}</text>`,
    );
  }
  series.forEach((line, i) => {
    const points = sizes.map((size, j) => `${x(size)},${y(line.values[j]!)}`).join(" ");
    const dash = line.dashed ? ` stroke-dasharray="4 3"` : "";
    parts.push(
      `<polyline points="${points}" fill="none" stroke="${line.colour}" stroke-width="2"${dash}/>`,
      ...sizes.map((size, j) =>
        line.dashed
          ? ""
          : `<circle cx="${x(size)}" cy="${y(line.values[j]!)}" r="3" fill="${line.colour}"/>`
      ),
      `<text x="${left + 8}" y="${top + 14 + i * 14}" fill="${line.colour}">${line.label}</text>`,
    );
  });
  return parts.join("\n");
}

/** Writes the SVG of `points` to `path`. */
export async function writeScalePlot(path: string, points: readonly ScalePoint[]): Promise<void> {
  const sizes = points.map((point) => point.size);
  const xAxis = { min: Math.min(...sizes), max: Math.max(...sizes), log: true };
  const times = points.flatMap((point) => [point.pushMs, point.planMs]);
  const timeAxis = {
    min: 10 ** Math.floor(Math.log10(Math.min(...times))),
    max: 10 ** Math.ceil(Math.log10(Math.max(...times))),
    log: true,
  };
  const megabytes = (bytes: number) => bytes / 1e6;
  const idle = points.map((point) => megabytes(point.idlePeak));
  const limit = idle.map((value) => value + 64);
  const memory = points.flatMap((point) => [megabytes(point.peak), megabytes(point.planPeak)]);
  const memoryAxis = { min: 0, max: Math.max(...memory, ...limit) * 1.1, log: false };
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * WIDTH}" height="${HEIGHT}" ` +
    `font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    panel(0, "time (ms)", sizes, xAxis, timeAxis, [
      { label: "push", colour: "#1f77b4", values: points.map((point) => point.pushMs) },
      { label: "push --dry-run", colour: "#ff7f0e", values: points.map((point) => point.planMs) },
    ]),
    panel(WIDTH, "peak RSS (MB)", sizes, xAxis, memoryAxis, [
      { label: "push", colour: "#1f77b4", values: points.map((point) => megabytes(point.peak)) },
      {
        label: "push --dry-run",
        colour: "#ff7f0e",
        values: points.map((point) => megabytes(point.planPeak)),
      },
      { label: "idle + 64 MB (target)", colour: "#d62728", values: limit, dashed: true },
    ]),
    "</svg>",
  ].join("\n");
  await Deno.writeTextFile(path, svg + "\n");
}
