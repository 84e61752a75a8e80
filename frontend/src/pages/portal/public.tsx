/** Pages anyone with a share's token link may open, signed in or not (placeholder). */

export function VisitorPage() {
  return <p className="page-message">Shared files: coming soon</p>;
}
