/** The records pages' routes (placeholder until the pages are built). */

import { Route } from "react-router";

export function recordsRoutes() {
  return <Route path="records/*" element={<p className="page-message">Records: coming soon</p>} />;
}
