import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Slideshow, slideSeconds, stepIndex } from "./Slideshow";

// jsdom has <dialog> without its modal methods.
beforeAll(() => {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.removeAttribute("open");
  };
});
afterEach(cleanup);

const slides = [
  { id: 1, name: "one.png", src: "/one" },
  { id: 2, name: "two.png", src: "/two" },
  { id: 3, name: "<b>three</b>.png", src: "/three" },
];

describe("stepIndex", () => {
  it("steps round the end either way", () => {
    expect(stepIndex(0, 1, 3)).toBe(1);
    expect(stepIndex(2, 1, 3)).toBe(0);
    expect(stepIndex(0, -1, 3)).toBe(2);
    expect(stepIndex(1, -5, 3)).toBe(2);
  });
  it("stays at 0 without slides", () => {
    expect(stepIndex(4, 1, 0)).toBe(0);
  });
});

describe("slideSeconds", () => {
  it("keeps a whole number of seconds from 1 to 60, else 3", () => {
    expect(slideSeconds("5")).toBe(5);
    expect(slideSeconds("120")).toBe(60);
    expect(slideSeconds("0")).toBe(3);
    expect(slideSeconds("")).toBe(3);
    expect(slideSeconds("abc")).toBe(3);
  });
});

describe("Slideshow", () => {
  it("steps with the keys and the buttons, names each image as text", () => {
    render(<Slideshow slides={slides} empty="None" onClose={() => undefined} />);
    const stage = screen.getByLabelText(/Slideshow: ← and → step/);
    expect(screen.getByRole("img").getAttribute("alt")).toBe("Image 1 of 3: one.png");
    fireEvent.keyDown(stage, { key: "ArrowLeft" });
    expect(screen.getByRole("img").getAttribute("src")).toBe("/three");
    expect(screen.getByText("<b>three</b>.png")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Next ▶" }));
    expect(screen.getByRole("img").getAttribute("alt")).toBe("Image 1 of 3: one.png");
    expect(screen.getByText("1 / 3")).toBeTruthy();
  });

  it("plays and pauses with Space, every chosen number of seconds", () => {
    vi.useFakeTimers();
    try {
      render(<Slideshow slides={slides} empty="None" onClose={() => undefined} />);
      const stage = screen.getByLabelText(/Slideshow: ← and → step/);
      fireEvent.keyDown(stage, { key: " " });
      expect(screen.getByRole("button", { name: "Pause" })).toBeTruthy();
      act(() => vi.advanceTimersByTime(3000));
      expect(screen.getByText("2 / 3")).toBeTruthy();
      fireEvent.change(screen.getByRole("spinbutton"), { target: { value: "10" } });
      act(() => vi.advanceTimersByTime(9000));
      expect(screen.getByText("2 / 3")).toBeTruthy();
      act(() => vi.advanceTimersByTime(1000));
      expect(screen.getByText("3 / 3")).toBeTruthy();
      fireEvent.keyDown(stage, { key: " " });
      act(() => vi.advanceTimersByTime(30_000));
      expect(screen.getByText("3 / 3")).toBeTruthy();
    } finally {
      vi.useRealTimers();
    }
  });

  it("autoplays when asked and says when there is no image", () => {
    render(<Slideshow slides={slides} empty="None" autoplay onClose={() => undefined} />);
    expect(screen.getByRole("button", { name: "Pause" })).toBeTruthy();
    cleanup();
    render(<Slideshow slides={[]} empty="No image among the files found." onClose={() => undefined} />);
    expect(screen.getByText("No image among the files found.")).toBeTruthy();
    expect(screen.queryByRole("img")).toBeNull();
  });
});
