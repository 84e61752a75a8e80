/** Form pieces of the Settings page: a section with its own Save, and a field with its error. */

import { useId, useState, type FormEvent, type ReactNode } from "react";
import { ApiError } from "../../api/client";

/** Field errors of a 400 (`{"field": ["message", …]}`), else the error's sentence. */
export interface Problems {
  fields: Record<string, string>;
  general: string | null;
}

export const NO_PROBLEMS: Problems = { fields: {}, general: null };

export function problemsOf(error: unknown, known: readonly string[]): Problems {
  if (error instanceof ApiError && error.status === 400 && error.body && typeof error.body === "object") {
    const fields: Record<string, string> = {};
    let general: string | null = null;
    for (const [field, value] of Object.entries(error.body as Record<string, unknown>)) {
      const text = describe(value);
      if (known.includes(field)) fields[field] = text;
      else general = general ? `${general} ${field}: ${text}` : `${field}: ${text}`;
    }
    return { fields, general };
  }
  return { fields: {}, general: error instanceof Error ? error.message : String(error) };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return value.map(describe).filter(Boolean).join(" ");
  if (value && typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .map(([index, inner]) => `item ${Number(index) + 1}: ${describe(inner)}`)
      .join(" ");
  }
  return value == null ? "" : String(value);
}

/** A section of the page: a form with a heading and a Save button, saving only its fields. */
export function SettingsSection(props: {
  title: string;
  description?: ReactNode;
  onSave: () => Promise<void>;
  dirty: boolean;
  problems: Problems;
  extraButtons?: ReactNode;
  children: ReactNode;
}) {
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const headingId = useId();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setSaved(false);
    try {
      await props.onSave();
      setSaved(true);
    } catch {
      // the section shows the problems its onSave recorded
    } finally {
      setSaving(false);
    }
  };
  return (
    <section className="settings-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{props.title}</h2>
      {props.description && <p className="note">{props.description}</p>}
      <form className="form" onSubmit={(event) => void submit(event)} aria-label={props.title}>
        {props.children}
        {props.problems.general && (
          <p className="error" role="alert">
            {props.problems.general}
          </p>
        )}
        <div className="buttons settings-buttons">
          {saved && !props.dirty && <span className="note" role="status">Saved</span>}
          {props.extraButtons}
          <button type="submit" className="primary" disabled={saving || !props.dirty}>
            {saving ? "Saving…" : `Save ${props.title.toLowerCase()}`}
          </button>
        </div>
      </form>
    </section>
  );
}

/** A labelled number input with its default and its error (tied by aria-describedby). */
export function NumberField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  hint?: string;
  min?: number;
  max?: number;
  step?: string;
}) {
  const errorId = useId();
  const hintId = useId();
  const described = [props.hint ? hintId : null, props.error ? errorId : null].filter(Boolean).join(" ");
  return (
    <label>
      {props.label}
      <input
        type="number"
        inputMode="decimal"
        required
        min={props.min}
        max={props.max}
        step={props.step ?? "1"}
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described || undefined}
        onChange={(event) => props.onChange(event.target.value)}
      />
      {props.hint && (
        <span id={hintId} className="note field-hint">
          {props.hint}
        </span>
      )}
      {props.error && (
        <span id={errorId} className="error field-error">
          {props.error}
        </span>
      )}
    </label>
  );
}
