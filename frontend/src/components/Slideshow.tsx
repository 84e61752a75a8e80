/**
 * One slideshow for the file manager (the selection's images) and the portal (a share's images
 * found): one image at a time with its name, ←/→ (or the buttons) step, Space plays and pauses
 * (every `seconds`), Esc closes; after the last image it starts again from the first. The
 * caller gives each slide's address: the portal's is the share's preview endpoint, a view that
 * never spends the share's download limit.
 */

import { useCallback, useEffect, useRef, useState } from "react";
import { Dialog } from "./Dialog";
import "./slideshow.css";

export interface Slide {
  id: number;
  name: string;
  src: string;
}

/** The slide `by` steps away from `at`, round the end either way (0 when there is none). */
export function stepIndex(at: number, by: number, count: number): number {
  if (count <= 0) return 0;
  return (((at + by) % count) + count) % count;
}

/** The seconds between slides from what was typed: a whole number from 1 to 60, else 3. */
export function slideSeconds(typed: string): number {
  const seconds = Math.round(Number(typed));
  return Number.isFinite(seconds) && seconds >= 1 ? Math.min(seconds, 60) : 3;
}

export function Slideshow({
  slides,
  loading = false,
  empty,
  autoplay = false,
  onClose,
}: {
  slides: readonly Slide[];
  /** The slides are still being found. */
  loading?: boolean;
  /** Said when there is no image. */
  empty: string;
  /** Start playing at once. */
  autoplay?: boolean;
  onClose: () => void;
}) {
  const [at, setAt] = useState(0);
  const [playing, setPlaying] = useState(autoplay);
  const [seconds, setSeconds] = useState(3);
  const stage = useRef<HTMLDivElement>(null);
  useEffect(() => stage.current?.focus(), []);
  const count = slides.length;
  const step = useCallback((by: number) => setAt((current) => stepIndex(current, by, count)), [count]);
  useEffect(() => {
    if (!playing || count < 2) return;
    const timer = setInterval(() => step(1), seconds * 1000);
    return () => clearInterval(timer);
  }, [playing, seconds, step, count]);
  const current = slides[Math.min(at, Math.max(count - 1, 0))];
  const shown = count ? Math.min(at, count - 1) + 1 : 0;
  return (
    <Dialog title="Slideshow" onClose={onClose} wide>
      <div
        ref={stage}
        className="slideshow"
        tabIndex={0}
        aria-label="Slideshow: ← and → step, Space plays and pauses, Esc closes"
        onKeyDown={(event) => {
          if (event.target !== event.currentTarget && (event.target as HTMLElement).tagName === "INPUT") return;
          if (event.key === "ArrowRight") step(1);
          else if (event.key === "ArrowLeft") step(-1);
          else if (event.key === " ") setPlaying((value) => !value);
          else return;
          event.preventDefault();
        }}
      >
        {loading && <p>Loading…</p>}
        {!loading && count === 0 && <p>{empty}</p>}
        {current !== undefined && (
          <img src={current.src} alt={`Image ${shown} of ${count}: ${current.name}`} data-index={shown - 1} />
        )}
        <p className="slide-name">{current?.name}</p>
        <div className="buttons slide-buttons">
          <button type="button" onClick={() => step(-1)} disabled={count < 2}>
            ◀ Previous
          </button>
          <button type="button" onClick={() => setPlaying((value) => !value)} disabled={count < 2}>
            {playing ? "Pause" : "Play"}
          </button>
          <button type="button" onClick={() => step(1)} disabled={count < 2}>
            Next ▶
          </button>
          <label className="inline">
            Every
            <input
              type="number"
              min={1}
              max={60}
              value={seconds}
              onChange={(event) => setSeconds(slideSeconds(event.target.value))}
              className="slide-seconds"
            />
            s
          </label>
          <span aria-live="polite">{count ? `${shown} / ${count}` : ""}</span>
        </div>
      </div>
    </Dialog>
  );
}
