/**
 * Choose several things found by searching (people, groups, folders, folder rules): a text box
 * whose typing asks `search(text)` after a pause, a list of matches to pick from, and the
 * chosen ones as chips with a remove button each.
 *
 * Keyboard: type to search, ↓/↑ move through the matches, Enter picks the highlighted one,
 * Esc closes the list, Backspace in an empty box removes the last chip. The box is an ARIA
 * combobox (its list a listbox, the highlighted match its active descendant) and a polite
 * status tells how many matches came back. The caller labels the box with
 * `<label htmlFor={id}>`; `label` names the list and the chips for screen readers.
 */

import { useEffect, useId, useRef, useState } from "react";
import "./picker.css";

export interface PickerOption {
  id: number;
  /** What the chip and the match show. */
  label: string;
  /** A second, quieter line of a match: an email, a model, a parent folder. */
  detail?: string;
}

export interface DirectoryPickerProps {
  /** The input's id, for the caller's `<label htmlFor>`. */
  id: string;
  /** What is picked, plural ("Users", "Folders"): names the list and the chips. */
  label: string;
  value: readonly PickerOption[];
  onChange: (next: PickerOption[]) => void;
  /** The matches for a text (never empty: the picker does not ask for ""). */
  search: (text: string, signal: AbortSignal) => Promise<PickerOption[]>;
  placeholder?: string;
  /** Milliseconds of quiet typing before searching. */
  debounceMs?: number;
  /** Ids of the help and error texts that describe the box. */
  describedBy?: string;
  invalid?: boolean;
  disabled?: boolean;
}

type Found =
  | { state: "idle" }
  | { state: "searching" }
  | { state: "done"; options: PickerOption[] }
  | { state: "failed"; message: string };

export function DirectoryPicker({
  id,
  label,
  value,
  onChange,
  search,
  placeholder = "Type to search…",
  debounceMs = 250,
  describedBy,
  invalid = false,
  disabled = false,
}: DirectoryPickerProps) {
  const listId = useId();
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const [found, setFound] = useState<Found>({ state: "idle" });
  const [active, setActive] = useState(-1);
  const input = useRef<HTMLInputElement>(null);
  // the latest `search` without re-running the effect when a parent re-renders
  const searchRef = useRef(search);
  searchRef.current = search;

  const query = text.trim();
  useEffect(() => {
    if (!query) {
      setFound({ state: "idle" });
      return;
    }
    const controller = new AbortController();
    setFound({ state: "searching" });
    const timer = setTimeout(() => {
      searchRef.current(query, controller.signal).then(
        (options) => {
          if (controller.signal.aborted) return;
          setFound({ state: "done", options });
          setActive(-1);
        },
        (failure: unknown) => {
          if (controller.signal.aborted) return;
          setFound({ state: "failed", message: failure instanceof Error ? failure.message : String(failure) });
        },
      );
    }, debounceMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query, debounceMs]);

  const chosen = new Set(value.map((option) => option.id));
  const options = found.state === "done" ? found.options.filter((option) => !chosen.has(option.id)) : [];
  const expanded = open && query !== "" && found.state !== "idle";
  const optionId = (index: number) => `${listId}-option-${index}`;

  const pick = (option: PickerOption) => {
    onChange([...value, option]);
    setText("");
    setActive(-1);
    input.current?.focus();
  };
  const remove = (option: PickerOption) => {
    onChange(value.filter((other) => other.id !== option.id));
    input.current?.focus();
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp": {
        event.preventDefault();
        setOpen(true);
        if (!options.length) return;
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActive((current) => {
          if (current < 0) return step > 0 ? 0 : options.length - 1;
          return (current + step + options.length) % options.length;
        });
        return;
      }
      case "Enter": {
        // never submit the form from a half-typed search
        if (!query) return;
        event.preventDefault();
        const target = options[active] ?? (options.length === 1 ? options[0] : undefined);
        if (target) pick(target);
        return;
      }
      case "Escape":
        if (expanded) {
          event.preventDefault(); // close the list, not the dialog around it
          event.stopPropagation();
          setOpen(false);
        }
        return;
      case "Backspace": {
        const last = value[value.length - 1];
        if (!text && last) {
          event.preventDefault();
          onChange(value.slice(0, -1));
        }
        return;
      }
    }
  };

  const summary =
    found.state === "searching"
      ? "Searching…"
      : found.state === "failed"
        ? `Search failed: ${found.message}`
        : found.state === "done"
          ? options.length
            ? `${options.length} ${options.length === 1 ? "match" : "matches"}; ↓ to choose`
            : "No match"
          : "";

  return (
    <div className={`picker${invalid ? " invalid" : ""}${disabled ? " disabled" : ""}`}>
      {value.length > 0 && (
        <ul className="picker-chips" aria-label={`Chosen ${label.toLowerCase()}`}>
          {value.map((option) => (
            <li key={option.id} className="picker-chip" title={option.detail}>
              <span className="picker-chip-label">{option.label}</span>
              <button
                type="button"
                className="picker-remove"
                aria-label={`Remove ${option.label}`}
                disabled={disabled}
                onClick={() => remove(option)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="picker-box">
        <input
          ref={input}
          id={id}
          type="text"
          role="combobox"
          autoComplete="off"
          spellCheck={false}
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded && options[active] ? optionId(active) : undefined}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          placeholder={placeholder}
          value={text}
          disabled={disabled}
          onChange={(event) => {
            setText(event.target.value);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onKeyDown={onKeyDown}
        />
        <div className="picker-popup" hidden={!expanded}>
          {
            <ul id={listId} role="listbox" aria-label={`${label}: matches`} className="picker-options">
              {options.map((option, index) => (
                <li
                  key={option.id}
                  id={optionId(index)}
                  role="option"
                  aria-selected={index === active}
                  className={index === active ? "active" : undefined}
                  // keep the focus in the box: a click picks without blurring it first
                  onMouseDown={(event) => event.preventDefault()}
                  onMouseEnter={() => setActive(index)}
                  onClick={() => pick(option)}
                >
                  <span className="picker-option-label">{option.label}</span>
                  {option.detail && <span className="picker-option-detail">{option.detail}</span>}
                </li>
              ))}
            </ul>
          }
          {options.length === 0 && (
            <p className={found.state === "failed" ? "picker-message error" : "picker-message"} aria-hidden="true">
              {summary}
            </p>
          )}
        </div>
        <span className="picker-status" role="status" aria-live="polite">
          {expanded ? summary : ""}
        </span>
      </div>
    </div>
  );
}
