/** The fleet pages' routes (placeholder until the pages are built). */

import { Route } from "react-router";

export function fleetRoutes() {
  return <Route path="fleet/*" element={<p className="page-message">Fleet: coming soon</p>} />;
}
