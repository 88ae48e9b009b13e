/**
 * Browser-only export helpers: save a blob under a file name, render an SVG chart to PNG (through an
 * <img> and a canvas, so no library is needed), and save a canvas-drawn image at native resolution.
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

/**
 * PNG of an SVG element at `scale`× its on-screen size, on a white background. Computed text styles are
 * inlined first: the SVG is drawn as a standalone image and would otherwise lose the page's fonts and
 * colours set by CSS.
 */
export async function svgToPng(svg: SVGSVGElement, scale = 2): Promise<Blob> {
  const { width, height } = svg.getBoundingClientRect();
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = svg.querySelectorAll('text, tspan');
  clone.querySelectorAll('text, tspan').forEach((el, i) => {
    const cs = getComputedStyle(src[i]);
    (el as SVGElement).setAttribute('style', `font-family:${cs.fontFamily};font-size:${cs.fontSize};font-weight:${cs.fontWeight};fill:${cs.fill}`);
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
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await canvasBlob(canvas);
  } finally {
    URL.revokeObjectURL(url);
  }
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
