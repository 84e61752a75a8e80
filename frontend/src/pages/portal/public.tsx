/** A share's page by its token link (`/s/{token}`): anyone with the link, signed in or not. No
 * session is asked for and the app's navigation is not shown. */

import { useMemo } from "react";
import { useParams } from "react-router";
import { SharePage } from "./SharePage";

export function VisitorPage() {
  const token = useParams().token ?? "";
  const access = useMemo(() => ({ token }), [token]);
  return (
    <div className="visitor-layout">
      <header className="topbar">
        <span className="brand">Archivist</span>
      </header>
      <main className="visitor-content">
        <SharePage key={token} access={access} />
      </main>
    </div>
  );
}
