/** The images among the files found, one by one: ←/→ step, Space plays and pauses (every
 * `seconds`), Esc closes; after the last image it starts again from the first. */

import { useCallback, useEffect, useRef, useState } from "react";
import * as portal from "../../api/portal";
import { Dialog } from "../../components/Dialog";

export function Slideshow({
  access,
  images,
  onClose,
}: {
  access: portal.ShareAccess;
  images: portal.SharedFile[];
  onClose: () => void;
}) {
  const [at, setAt] = useState(0);
  const [playing, setPlaying] = useState(true);
  const [seconds, setSeconds] = useState(3);
  const stage = useRef<HTMLDivElement>(null);
  useEffect(() => stage.current?.focus(), []);
  const step = useCallback(
    (by: number) => setAt((current) => (images.length ? (current + by + images.length) % images.length : 0)),
    [images.length],
  );
  useEffect(() => {
    if (!playing || images.length < 2) return;
    const timer = setInterval(() => step(1), Math.max(1, seconds) * 1000);
    return () => clearInterval(timer);
  }, [playing, seconds, step, images.length]);
  const current = images[at];
  return (
    <Dialog title="Slideshow" onClose={onClose} wide>
      <div
        ref={stage}
        className="slideshow"
        tabIndex={0}
        aria-label="Slideshow: ← and → step, Space plays and pauses, Esc closes"
        onKeyDown={(event) => {
          if (event.key === "ArrowRight") step(1);
          else if (event.key === "ArrowLeft") step(-1);
          else if (event.key === " ") setPlaying((value) => !value);
          else return;
          event.preventDefault();
        }}
      >
        {images.length === 0 && <p>No image among the files found.</p>}
        {current !== undefined && (
          <img src={portal.fileUrl(access, current.id)} alt={current.name} data-index={at} />
        )}
        <p className="slide-name">{current?.name}</p>
        <div className="buttons slide-buttons">
          <button type="button" onClick={() => step(-1)} disabled={images.length < 2}>
            ◀ Previous
          </button>
          <button type="button" onClick={() => setPlaying((value) => !value)} disabled={images.length < 2}>
            {playing ? "Pause" : "Play"}
          </button>
          <button type="button" onClick={() => step(1)} disabled={images.length < 2}>
            Next ▶
          </button>
          <label className="inline">
            Every
            <input
              type="number"
              min={1}
              max={60}
              value={seconds}
              onChange={(event) => setSeconds(Number(event.target.value) || 3)}
              style={{ width: "4rem" }}
            />
            s
          </label>
          <span aria-live="polite">{images.length ? `${at + 1} / ${images.length}` : ""}</span>
        </div>
      </div>
    </Dialog>
  );
}
