/** The settings pages' routes (placeholder until the pages are built). */

import { Route } from "react-router";

export function settingsRoutes() {
  return <Route path="settings/*" element={<p className="page-message">Settings: coming soon</p>} />;
}
