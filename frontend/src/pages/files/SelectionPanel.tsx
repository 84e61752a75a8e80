/** The right panel: the selected attachments (click one to deselect it), Reset, and the mass
 * actions the API offers this user. */

import { useQuery } from "@tanstack/react-query";
import * as documents from "../../api/documents";
import type { MassAction } from "../../api/types";
import type { Selection } from "../../lib/selection";

export function SelectionPanel(props: {
  selection: Selection;
  onDeselect: (id: number) => void;
  onReset: () => void;
  onAction: (action: MassAction) => void;
  busy: boolean;
}) {
  const actions = useQuery({ queryKey: ["mass-actions"], queryFn: documents.massActions, staleTime: Infinity });
  const count = props.selection.size;
  return (
    <aside className="right-panel" aria-label="Selection">
      <div className="section-head">
        <h2>Selected attachments</h2>
        <span className="badge">{count}</span>
        <button type="button" className="link" onClick={props.onReset} disabled={count === 0}>
          Reset
        </button>
      </div>
      {count === 0 ? (
        <p className="note">Tick cards to select them; the selection stays while you browse.</p>
      ) : (
        <>
          <ul className="selected-list">
            {[...props.selection.values()].slice(0, 200).map((item) => (
              <li key={item.id}>
                <button type="button" className="link" title="Deselect" onClick={() => props.onDeselect(item.id)}>
                  {item.name}
                </button>
              </li>
            ))}
            {count > 200 && <li className="note">and {count - 200} more</li>}
          </ul>
          <h2>Actions</h2>
          <div className="mass-actions">
            {(actions.data ?? []).map((action) => (
              <button type="button" key={action.id} onClick={() => props.onAction(action)} disabled={props.busy}>
                {action.name}
              </button>
            ))}
            {actions.isSuccess && actions.data.length === 0 && <p className="note">No mass action is offered to you.</p>}
          </div>
        </>
      )}
    </aside>
  );
}
