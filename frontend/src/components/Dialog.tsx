/** A modal dialog on the browser's <dialog>: focus kept inside, Esc closes, focus returns. */

import { useEffect, useRef, useState, type ReactNode } from "react";

export function Dialog({
  title,
  onClose,
  children,
  wide = false,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={wide ? "dialog wide" : "dialog"}
      aria-label={title}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <header>
        <h2>{title}</h2>
        <button type="button" className="icon" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="dialog-body">{children}</div>
    </dialog>
  );
}

/** A dialog asking for one line of text (a name), with OK and Cancel. */
export function PromptDialog({
  title,
  label,
  initial = "",
  submitLabel = "OK",
  onSubmit,
  onClose,
}: {
  title: string;
  label: string;
  initial?: string;
  submitLabel?: string;
  onSubmit: (value: string) => Promise<unknown>;
  onClose: () => void;
}) {
  return (
    <Dialog title={title} onClose={onClose}>
      <FormWithError
        onSubmit={async (form) => {
          await onSubmit(String(form.get("value") ?? ""));
          onClose();
        }}
        submitLabel={submitLabel}
        onCancel={onClose}
      >
        <label>
          {label}
          <input name="value" defaultValue={initial} autoFocus required />
        </label>
      </FormWithError>
    </Dialog>
  );
}

/** A dialog asking to confirm an action that cannot be undone from here. */
export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  onConfirm,
  onClose,
}: {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
}) {
  return (
    <Dialog title={title} onClose={onClose}>
      <FormWithError
        onSubmit={async () => {
          await onConfirm();
          onClose();
        }}
        submitLabel={confirmLabel}
        onCancel={onClose}
      >
        <p>{message}</p>
      </FormWithError>
    </Dialog>
  );
}

/** A form whose submit runs an async action and shows the API's error message when it fails. */
export function FormWithError({
  onSubmit,
  submitLabel,
  onCancel,
  children,
}: {
  onSubmit: (form: FormData) => Promise<void>;
  submitLabel: string;
  onCancel?: () => void;
  children: ReactNode;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="form"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await onSubmit(new FormData(event.currentTarget));
        } catch (failure) {
          setError(failure instanceof Error ? failure.message : String(failure));
        } finally {
          setBusy(false);
        }
      }}
    >
      {children}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="buttons">
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
