/**
 * Test images and perturbation maps drawn into a canvas at native resolution and scaled up by CSS with
 * `image-rendering: pixelated`, so every pixel stays a crisp square however large it is shown.
 */
import { useEffect, useRef } from 'react';

interface PixelImageProps {
  /** HWC values: uint8 0–255, or float 0–1. */
  pixels: Uint8Array | Float32Array;
  shape: [number, number, number];
  /** Displayed width and height in CSS pixels. */
  size: number;
  /** The image's text alternative; empty: decorative (its control, e.g. a gallery button, names it). */
  label: string;
  className?: string;
}

const toByte = (v: number, float: boolean): number => (float ? Math.round(Math.min(1, Math.max(0, v)) * 255) : v);

export function PixelImage({ pixels, shape, size, label, className }: PixelImageProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [h, w, c] = shape;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(w, h);
    const float = pixels instanceof Float32Array;
    for (let i = 0; i < h * w; i++) {
      const r = toByte(pixels[i * c], float);
      img.data[i * 4] = r;
      img.data[i * 4 + 1] = c === 3 ? toByte(pixels[i * c + 1], float) : r;
      img.data[i * 4 + 2] = c === 3 ? toByte(pixels[i * c + 2], float) : r;
      img.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [pixels, h, w, c]);
  return <canvas ref={ref} width={w} height={h} className={`pixelated ${className ?? ''}`}
    style={{ width: size, height: size }} {...(label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': true })} />;
}

/** matplotlib's "Reds" end points and three stops between: white = nothing, dark red = large. */
const REDS: [number, number, number][] = [[255, 245, 240], [252, 187, 161], [251, 106, 74], [203, 24, 29], [103, 0, 13]];

export function redsColor(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (REDS.length - 1);
  const i = Math.min(REDS.length - 2, Math.floor(x));
  const f = x - i;
  const a = REDS[i];
  const b = REDS[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as [number, number, number];
}

export const redsGradientCss = `linear-gradient(to right, ${REDS.map((c) => `rgb(${c.join(',')})`).join(', ')})`;

interface RedsMapProps {
  /** h·w magnitudes. */
  values: Float32Array;
  height: number;
  width: number;
  /** The value drawn darkest; shared by the maps being compared. */
  max: number;
  size: number;
  label: string;
}

export function RedsMap({ values, height, width, max, size, label }: RedsMapProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(width, height);
    for (let i = 0; i < height * width; i++) {
      const [r, g, b] = redsColor(max > 0 ? values[i] / max : 0);
      img.data.set([r, g, b, 255], i * 4);
    }
    ctx.putImageData(img, 0, 0);
  }, [values, height, width, max]);
  return <canvas ref={ref} width={width} height={height} className="pixelated" style={{ width: size, height: size }}
    role="img" aria-label={label} />;
}

export function RedsLegend({ max, unit }: { max: number; unit: string }) {
  return (
    <div className="reds-legend" aria-label={`colour scale from 0 to ${max.toFixed(3)} ${unit}`}>
      <span>0</span>
      <span className="reds-bar" style={{ background: redsGradientCss }} />
      <span>{max.toFixed(3)} {unit}</span>
    </div>
  );
}
