/**
 * A black pad to draw a digit on with a mouse, a finger or a pen (pointer events; `touch-action: none`
 * so a finger draws instead of scrolling). Strokes are kept for Undo; every stroke move hands the pad's
 * RGBA pixels to `onDraw` at most once per animation frame, so the prediction follows the pen.
 */
import { useCallback, useEffect, useRef, useState, type PointerEvent } from 'react';
import type { OwnImage } from '../../worker/jobs';

const SIDE = 280;
/** Pen width in pad pixels: about MNIST's stroke once the digit is scaled into its 20-pixel box. */
const PEN = 18;

type Stroke = [number, number][];

function paint(ctx: CanvasRenderingContext2D, strokes: Stroke[]): void {
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, SIDE, SIDE);
  ctx.strokeStyle = '#fff';
  ctx.fillStyle = '#fff';
  ctx.lineWidth = PEN;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (const s of strokes) {
    ctx.beginPath();
    if (s.length === 1) {
      ctx.arc(s[0][0], s[0][1], PEN / 2, 0, 2 * Math.PI);
      ctx.fill();
      continue;
    }
    s.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.stroke();
  }
}

export function DrawingPad({ onDraw, onClear }: { onDraw: (image: OwnImage) => void; onClear: () => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [strokes, setStrokes] = useState<Stroke[]>([]);
  const drawing = useRef<Stroke | null>(null);
  const frame = useRef<number | null>(null);

  const emit = useCallback(() => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      const ctx = canvas.current?.getContext('2d', { willReadFrequently: true });
      if (ctx) onDraw({ rgba: ctx.getImageData(0, 0, SIDE, SIDE).data, width: SIDE, height: SIDE });
    });
  }, [onDraw]);

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d', { willReadFrequently: true });
    if (ctx) paint(ctx, drawing.current ? [...strokes, drawing.current] : strokes);
  }, [strokes]);
  useEffect(() => () => { if (frame.current !== null) cancelAnimationFrame(frame.current); }, []);

  const at = (e: PointerEvent<HTMLCanvasElement>): [number, number] => {
    const r = e.currentTarget.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * SIDE, ((e.clientY - r.top) / r.height) * SIDE];
  };
  const down = (e: PointerEvent<HTMLCanvasElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    drawing.current = [at(e)];
    paint(e.currentTarget.getContext('2d')!, [...strokes, drawing.current]);
    emit();
  };
  const move = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!drawing.current) return;
    drawing.current.push(at(e));
    paint(e.currentTarget.getContext('2d')!, [...strokes, drawing.current]);
    emit();
  };
  const up = () => {
    if (!drawing.current) return;
    const done = drawing.current;
    drawing.current = null;
    setStrokes((s) => [...s, done]);
  };
  const undo = () => {
    const rest = strokes.slice(0, -1);
    setStrokes(rest);
    if (rest.length) {
      paint(canvas.current!.getContext('2d')!, rest);
      emit();
    } else onClear();
  };
  const clear = () => {
    setStrokes([]);
    onClear();
  };

  return (
    <div className="drawing-pad">
      <canvas ref={canvas} width={SIDE} height={SIDE} className="pad" data-testid="drawing-pad" aria-label="drawing pad: draw a digit with the mouse, a finger or a pen"
        onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerCancel={up} />
      <div className="pad-actions">
        <button type="button" onClick={undo} disabled={!strokes.length}>Undo</button>
        <button type="button" onClick={clear} disabled={!strokes.length}>Clear</button>
      </div>
    </div>
  );
}
