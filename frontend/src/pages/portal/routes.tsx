/** The portal pages' routes (placeholder until the pages are built). */

import { Route } from "react-router";

export function portalRoutes() {
  return <Route path="portal/*" element={<p className="page-message">Portal: coming soon</p>} />;
}
