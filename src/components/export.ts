/**
 * Browser-only export helpers: save a blob under a file name, draw a panel's figure (title, legend, its SVG
 * chart through an <img>, or its data as a table) to PNG on a canvas, and save a canvas-drawn image at native
 * resolution.
 */

export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoking right away can cancel the download in some browsers; a minute is plenty.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function downloadText(name: string, text: string, type = 'text/csv'): void {
  downloadBlob(name, new Blob([text], { type: `${type};charset=utf-8` }));
}

function canvasBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
}

/** The chart of a panel: its largest SVG by drawn area (Recharts also draws each legend marker as an <svg>). */
export function mainChart(root: Element): SVGSVGElement | null {
  let best: SVGSVGElement | null = null;
  let area = 0;
  for (const svg of root.querySelectorAll<SVGSVGElement>('svg')) {
    const r = svg.getBoundingClientRect();
    if (r.width * r.height > area) { best = svg; area = r.width * r.height; }
  }
  return best;
}

/** An SVG as an <img> (standalone: computed text styles inlined, so the page's CSS fonts and colours survive). */
async function svgImage(svg: SVGSVGElement): Promise<{ img: HTMLImageElement; width: number; height: number }> {
  const { width, height } = svg.getBoundingClientRect();
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = svg.querySelectorAll('text, tspan');
  clone.querySelectorAll('text, tspan').forEach((el, i) => {
    const cs = getComputedStyle(src[i]);
    // Presentation attributes, not a style attribute: the page's CSP (style-src 'self') refuses inline styles
    // even on a detached clone, and logged one error per text element.
    for (const [name, value] of [['font-family', cs.fontFamily], ['font-size', cs.fontSize], ['font-weight', cs.fontWeight], ['fill', cs.fill]]) {
      (el as SVGElement).setAttribute(name, value);
    }
  });
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const text = new XMLSerializer().serializeToString(clone);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the chart could not be rendered as an image'));
      img.src = url;
    });
    return { img, width, height };
  } finally {
    URL.revokeObjectURL(url);
  }
}

export interface FigureSource {
  /** The title line a slide needs: what, on which model, at which κ, by which attack, on how many images. */
  title: string;
  subtitle?: string;
  /** The chart; without one, `table` is drawn. */
  chart?: SVGSVGElement | null;
  /** The chart's legend (Recharts draws it as HTML beside the SVG): label and colour per series. */
  legend?: { label: string; color: string; dashed: boolean }[];
  /** Drawn when there is no chart: the panel's tables as it shows them (`domTables`), or its data (`csvTable`). */
  tables?: FigureTable[];
}

/** A table as the figure draws it: a caption, a header row, body rows (reference and paper rows in grey). */
export interface FigureTable {
  caption?: string;
  header: FigureCell[];
  rows: { cells: FigureCell[]; muted: boolean }[];
}
/** A cell's text and how many columns it spans. */
export interface FigureCell { text: string; span: number }

const cellsOf = (tr: Element): FigureCell[] => [...tr.children].map((c) => ({
  text: (c.textContent ?? '').replace(/\s+/g, ' ').trim(), span: Math.max(1, (c as HTMLTableCellElement).colSpan || 1),
}));

/**
 * The tables inside `root` as the page shows them — column titles, "ours / reference / paper" rows, the
 * caption — so a slide shows what the panel shows, not the CSV's machine column names.
 */
export function domTables(root: Element): FigureTable[] {
  // What the panel shows: a table folded away in a closed <details> stays out of the figure too.
  return [...root.querySelectorAll('table')].filter((t) => !t.closest('details:not([open])')).flatMap((t) => {
    const head = t.tHead?.rows[0] ?? null;
    const body = [...t.tBodies].flatMap((b) => [...b.rows]);
    if (!head || !body.length) return [];
    return [{
      caption: t.caption?.textContent?.replace(/\s+/g, ' ').trim() || undefined,
      header: cellsOf(head),
      rows: body.map((tr) => ({ cells: cellsOf(tr), muted: tr.classList.contains('ref') || tr.classList.contains('paper') || tr.classList.contains('aside') })),
    }];
  });
}

/** A panel's CSV data as one figure table (shares as percentages). */
export function csvTable(header: string[], rows: readonly (readonly unknown[])[]): FigureTable {
  const one = (text: string): FigureCell => ({ text, span: 1 });
  return { header: header.map(one), rows: rows.map((r) => ({ cells: r.map((v, j) => one(cellText(header[j] ?? '', v))), muted: false })) };
}

/** The legend entries of the Recharts legends inside `root`, as the figure draws them. */
export function chartLegend(root: Element): NonNullable<FigureSource['legend']> {
  return [...root.querySelectorAll('.recharts-legend-item')].map((item) => {
    const mark = item.querySelector('path, line, rect');
    const cs = mark ? getComputedStyle(mark) : null;
    const stroke = mark?.getAttribute('stroke') ?? cs?.stroke;
    const fill = mark?.getAttribute('fill') ?? cs?.fill;
    const color = stroke && stroke !== 'none' ? stroke : fill && fill !== 'none' ? fill : '#333';
    return { label: item.textContent?.trim() ?? '', color, dashed: Boolean(mark?.getAttribute('stroke-dasharray')) };
  }).filter((e, i, all) => e.label && all.findIndex((o) => o.label === e.label) === i);
}

/** A table cell as a slide shows it: shares (accuracy, ρ, rates in [0, 1]) as percentages, other decimals to 4 digits. */
function cellText(header: string, v: unknown): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return v === null || v === undefined ? '' : String(v);
  if (/accuracy|rho|rate|share/i.test(header) && Math.abs(v) <= 1) return `${(100 * v).toFixed(2)}%`;
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** `text` broken at spaces into lines no wider than `width` in the context's current font. */
function wrapText(ctx: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(next).width > width) { lines.push(line); line = word; } else line = next;
  }
  return line ? [...lines, line] : lines;
}

/**
 * The figure a teacher puts on a slide, as a PNG at `scale`×: a title line (and a subtitle) above the chart,
 * or above the panel's data drawn as a table when the panel has no chart (tables, the κ tuner). Drawn on a
 * canvas from the app's own data: no foreign content, nothing the page's CSP refuses.
 */
export async function figureToPng(src: FigureSource, scale = 2): Promise<Blob> {
  const pad = 16;
  const titleH = 26;
  const subH = src.subtitle ? 20 : 0;
  const chart = src.chart ? await svgImage(src.chart) : null;
  const rowH = 22;
  const capH = 18;
  const gap = 14;
  const measure = document.createElement('canvas').getContext('2d')!;
  const tables = chart ? [] : src.tables ?? [];
  // Column widths per table from its single-column cells (bold header, 13 px body); spanning cells get the sum.
  const widths = tables.map((t) => {
    const n = Math.max(...[t.header, ...t.rows.map((r) => r.cells)].map((cells) => cells.reduce((a, c) => a + c.span, 0)));
    const cols = new Array<number>(n).fill(24);
    [t.header, ...t.rows.map((r) => r.cells)].forEach((cells, i) => {
      measure.font = `${i === 0 ? 'bold ' : ''}13px ${FONT}`;
      let j = 0;
      for (const c of cells) {
        if (c.span === 1) cols[j] = Math.min(320, Math.max(cols[j], 16 + measure.measureText(c.text).width));
        j += c.span;
      }
    });
    return cols;
  });
  const tableW = Math.max(0, ...widths.map((cols) => cols.reduce((a, b) => a + b, 0)));
  const legendH = chart && src.legend?.length ? 22 : 0;
  measure.font = `bold 16px ${FONT}`;
  // At least 640×360 (a 16:9 slide's figure), whatever a small table or chart needs.
  const width = Math.max(640, Math.ceil(chart?.width ?? tableW) + 2 * pad, Math.ceil(measure.measureText(src.title).width) + 2 * pad);
  // Captions wrap to the figure's width rather than being squeezed onto one line.
  measure.font = `italic 13px ${FONT}`;
  const captions = tables.map((t) => (t.caption ? wrapText(measure, t.caption, width - 2 * pad) : []));
  const tablesH = tables.reduce((h, t, i) => h + (i ? gap : 0) + captions[i].length * capH + rowH * (t.rows.length + 1), 0);
  const height = Math.max(360, pad + titleH + subH + legendH + 8 + Math.ceil(chart?.height ?? tablesH) + pad);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext('2d')!;
  ctx.scale(scale, scale);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#1b1f27';
  ctx.textBaseline = 'top';
  ctx.font = `bold 16px ${FONT}`;
  ctx.fillText(src.title, pad, pad);
  if (src.subtitle) {
    ctx.font = `13px ${FONT}`;
    ctx.fillStyle = '#5a6272';
    ctx.fillText(src.subtitle, pad, pad + titleH);
  }
  if (legendH) {
    let x = pad;
    const y = pad + titleH + subH + 11;
    ctx.font = `13px ${FONT}`;
    for (const e of src.legend!) {
      ctx.strokeStyle = e.color;
      ctx.lineWidth = 2.5;
      ctx.setLineDash(e.dashed ? [5, 3] : []);
      ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(x + 22, y); ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = '#1b1f27';
      ctx.textBaseline = 'middle';
      ctx.fillText(e.label, x + 28, y);
      x += 28 + ctx.measureText(e.label).width + 22;
    }
    ctx.textBaseline = 'top';
    ctx.lineWidth = 1;
  }
  let y = pad + titleH + subH + legendH + 8;
  if (chart) ctx.drawImage(chart.img, pad, y, chart.width, chart.height);
  tables.forEach((t, k) => {
    const cols = widths[k];
    const w = cols.reduce((a, b) => a + b, 0);
    if (k) y += gap;
    ctx.font = `italic 13px ${FONT}`;
    ctx.fillStyle = '#5a6272';
    for (const line of captions[k]) {
      ctx.fillText(line, pad, y + 3);
      y += capH;
    }
    [t.header, ...t.rows.map((r) => r.cells)].forEach((cells, i) => {
      if (i === 0) { ctx.fillStyle = '#eef1f6'; ctx.fillRect(pad, y, w, rowH); }
      ctx.fillStyle = i > 0 && t.rows[i - 1].muted ? '#5a6272' : '#1b1f27';
      ctx.font = `${i === 0 ? 'bold ' : ''}13px ${FONT}`;
      let x = pad;
      let j = 0;
      for (const c of cells) {
        const cw = cols.slice(j, j + c.span).reduce((a, b) => a + b, 0);
        if (c.text) ctx.fillText(c.text, x + 8, y + 4, cw - 12);
        x += cw;
        j += c.span;
      }
      ctx.strokeStyle = '#d5dae3';
      ctx.beginPath(); ctx.moveTo(pad, y + rowH); ctx.lineTo(pad + w, y + rowH); ctx.stroke();
      y += rowH;
    });
  });
  return canvasBlob(canvas);
}

/** PNG of HWC pixels in [0, 1] (or 0–255 bytes) at their native resolution: the exact image, not a screenshot. */
export function pixelsToPng(pixels: Float32Array | Uint8Array, shape: [number, number, number]): Promise<Blob> {
  const [h, w, c] = shape;
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(w, h);
  const float = pixels instanceof Float32Array;
  const byte = (v: number) => (float ? Math.round(Math.min(1, Math.max(0, v)) * 255) : v);
  for (let i = 0; i < h * w; i++) {
    const r = byte(pixels[i * c]);
    img.data[i * 4] = r;
    img.data[i * 4 + 1] = c === 3 ? byte(pixels[i * c + 1]) : r;
    img.data[i * 4 + 2] = c === 3 ? byte(pixels[i * c + 2]) : r;
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return canvasBlob(canvas);
}
