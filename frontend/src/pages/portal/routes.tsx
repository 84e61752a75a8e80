/** The portal's pages for a signed-in user: the "Shares" home (portal users) and a share's page
 * (its portal users, or an internal user previewing it: the API decides). */

import { useMemo } from "react";
import { Route, useParams } from "react-router";
import { useUser } from "../../app/session";
import { SharePage } from "./SharePage";
import { SharesHome } from "./SharesHome";

export function portalRoutes() {
  return (
    <Route path="portal">
      <Route index element={<PortalOnly><SharesHome /></PortalOnly>} />
      <Route path="shares/:id" element={<PortalShare />} />
    </Route>
  );
}

function PortalOnly({ children }: { children: React.ReactNode }) {
  const user = useUser();
  if (!user.portal) {
    return (
      <section className="page-message" role="alert">
        <h1>Not available</h1>
        <p>This page needs a portal account.</p>
      </section>
    );
  }
  return <>{children}</>;
}

function PortalShare() {
  const id = Number(useParams().id);
  const access = useMemo(() => ({ id }), [id]);
  if (!Number.isInteger(id) || id <= 0) {
    return (
      <section className="page-message" role="alert">
        <h1>Page not found</h1>
      </section>
    );
  }
  return <SharePage key={id} access={access} />;
}
