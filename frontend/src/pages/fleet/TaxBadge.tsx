/** The tax-return status of a database as the spec's coloured indicator, with its word. */

import { TAX_RETURN_STATUSES, taxColour, taxLabel } from "./status";

export function TaxBadge({ status }: { status: string }) {
  if (!status) return <span className="note">—</span>;
  const meaning = TAX_RETURN_STATUSES.find((entry) => entry.value === status)?.meaning;
  return (
    <span className={`tax-badge tax-${taxColour(status)}`} title={meaning}>
      <span className="tax-dot" aria-hidden="true" />
      {taxLabel(status)}
    </span>
  );
}
