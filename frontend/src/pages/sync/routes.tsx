/** The sync pages' routes (placeholder until the pages are built). */

import { Route } from "react-router";

export function syncRoutes() {
  return <Route path="sync/*" element={<p className="page-message">Sync: coming soon</p>} />;
}
