import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DirectoryPicker, type PickerOption } from "./DirectoryPicker";

const PEOPLE: PickerOption[] = [
  { id: 1, label: "Anita Oliver", detail: "admin" },
  { id: 2, label: "Marc <Manager>", detail: "manager" },
  { id: 3, label: "Rita Reader", detail: "reader" },
];

function findPeople(text: string): Promise<PickerOption[]> {
  const wanted = text.toLowerCase();
  return Promise.resolve(PEOPLE.filter((person) => person.label.toLowerCase().includes(wanted)));
}

/** The picker as a form uses it: its value in state, inside a form whose submit is watched. */
function renderPicker(initial: PickerOption[] = [], search = vi.fn(findPeople)) {
  const submitted = vi.fn();
  const changes: PickerOption[][] = [];
  function Harness() {
    const [value, setValue] = useState<PickerOption[]>(initial);
    return (
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submitted();
        }}
      >
        <label htmlFor="users">Users</label>
        <DirectoryPicker
          id="users"
          label="Users"
          value={value}
          onChange={(next) => {
            changes.push(next);
            setValue(next);
          }}
          search={search}
          debounceMs={20}
        />
      </form>
    );
  }
  render(<Harness />);
  return { box: screen.getByRole("combobox", { name: "Users" }), search, submitted, changes };
}

const chips = () =>
  screen.queryByRole("list", { name: "Chosen users" })?.querySelectorAll(".picker-chip-label") ?? [];
const chipNames = () => Array.from(chips(), (chip) => chip.textContent);

afterEach(cleanup);

describe("DirectoryPicker", () => {
  it("searches once the typing pauses, then picks a match with a click", async () => {
    const { box, search } = renderPicker();
    expect(box.getAttribute("aria-expanded")).toBe("false");
    fireEvent.focus(box);
    fireEvent.change(box, { target: { value: "r" } });
    fireEvent.change(box, { target: { value: "ri" } });
    fireEvent.change(box, { target: { value: "rit" } });
    const rita = await screen.findByRole("option", { name: /Rita Reader/ });
    expect(search).toHaveBeenCalledTimes(1); // the pauses between keys were shorter than the wait
    expect(search.mock.calls[0]?.[0]).toBe("rit");
    expect(box.getAttribute("aria-expanded")).toBe("true");
    expect(rita.textContent).toContain("reader"); // the detail line
    expect(screen.getByRole("status").textContent).toBe("1 match; ↓ to choose");

    fireEvent.click(rita);
    expect(chipNames()).toEqual(["Rita Reader"]);
    expect((box as HTMLInputElement).value).toBe("");
    expect(box.getAttribute("aria-expanded")).toBe("false");
  });

  it("offers only what is not chosen yet, and shows names as text", async () => {
    const { box } = renderPicker([PEOPLE[0]!]);
    fireEvent.focus(box);
    fireEvent.change(box, { target: { value: "a" } });
    await screen.findByRole("option", { name: /Marc/ });
    const offered = screen.getAllByRole("option").map((option) => option.querySelector(".picker-option-label")?.textContent);
    expect(offered).toEqual(["Marc <Manager>", "Rita Reader"]); // Anita is chosen already
  });

  it("is used with the keyboard alone: arrows, Enter, Escape, Backspace", async () => {
    const { box, submitted, changes } = renderPicker([PEOPLE[0]!]);
    fireEvent.focus(box);
    fireEvent.change(box, { target: { value: "r" } });
    await screen.findByRole("option", { name: /Rita/ });
    fireEvent.keyDown(box, { key: "ArrowDown" });
    fireEvent.keyDown(box, { key: "ArrowDown" });
    const active = box.getAttribute("aria-activedescendant");
    expect(active && document.getElementById(active)?.textContent).toContain("Rita Reader");
    expect(screen.getByRole("option", { name: /Rita/ }).getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(box, { key: "ArrowDown" }); // wraps to the first
    expect(screen.getByRole("option", { name: /Marc/ }).getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(box, { key: "ArrowUp" });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(chipNames()).toEqual(["Anita Oliver", "Rita Reader"]);
    expect(submitted).not.toHaveBeenCalled(); // Enter picked, it did not submit the form

    fireEvent.change(box, { target: { value: "marc" } });
    await screen.findByRole("option", { name: /Marc/ });
    const escape = fireEvent.keyDown(box, { key: "Escape" });
    expect(escape).toBe(false); // handled: a dialog around the picker stays open
    expect(box.getAttribute("aria-expanded")).toBe("false");
    fireEvent.keyDown(box, { key: "ArrowDown" }); // opens the list again
    expect(box.getAttribute("aria-expanded")).toBe("true");
    fireEvent.keyDown(box, { key: "Enter" }); // the only match: picked without moving to it
    expect(chipNames()).toEqual(["Anita Oliver", "Rita Reader", "Marc <Manager>"]);

    fireEvent.keyDown(box, { key: "Backspace" }); // empty box: the last chip goes
    expect(chipNames()).toEqual(["Anita Oliver", "Rita Reader"]);
    fireEvent.change(box, { target: { value: "x" } });
    fireEvent.keyDown(box, { key: "Backspace" }); // text in the box: only the text is edited
    expect(chipNames()).toEqual(["Anita Oliver", "Rita Reader"]);
    expect(changes.at(-1)?.map((person) => person.id)).toEqual([1, 3]);
  });

  it("removes a chip with its labelled button", () => {
    const { changes } = renderPicker([PEOPLE[0]!, PEOPLE[1]!]);
    fireEvent.click(screen.getByRole("button", { name: "Remove Marc <Manager>" }));
    expect(chipNames()).toEqual(["Anita Oliver"]);
    expect(changes).toEqual([[PEOPLE[0]]]);
  });

  it("says when nothing matches or the search failed, and never asks for empty text", async () => {
    const search = vi.fn((text: string) =>
      text === "boom" ? Promise.reject(new Error("the server answered 500")) : findPeople(text),
    );
    const { box } = renderPicker([], search);
    fireEvent.focus(box);
    fireEvent.change(box, { target: { value: "zzz" } });
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("No match"));
    fireEvent.change(box, { target: { value: "boom" } });
    await waitFor(() =>
      expect(screen.getByRole("status").textContent).toBe("Search failed: the server answered 500"),
    );
    fireEvent.change(box, { target: { value: "   " } });
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(search.mock.calls.map(([text]) => text)).toEqual(["zzz", "boom"]);
    expect(box.getAttribute("aria-expanded")).toBe("false");
  });

  it("drops the answer of a search the typing has overtaken", async () => {
    let release: (options: PickerOption[]) => void = () => undefined;
    const slow = new Promise<PickerOption[]>((resolve) => {
      release = resolve;
    });
    const search = vi.fn((text: string) => (text === "an" ? slow : findPeople(text)));
    const { box } = renderPicker([], search);
    fireEvent.focus(box);
    fireEvent.change(box, { target: { value: "an" } });
    await waitFor(() => expect(search).toHaveBeenCalledTimes(1));
    fireEvent.change(box, { target: { value: "rita" } });
    await screen.findByRole("option", { name: /Rita/ });
    await act(async () => release([PEOPLE[0]!]));
    expect(screen.queryByRole("option", { name: /Anita/ })).toBeNull();
    expect(screen.getAllByRole("option")).toHaveLength(1);
  });
});
