/** The records pages' routes: a record's page inside the app's layout, and its attachment box
 * alone (no top bar) for other web apps to frame, routed outside the layout. */

import { Route } from "react-router";
import { EmbeddedBox, RecordPage } from "./RecordPage";

export function recordsRoutes() {
  return <Route path="records/:source/:model/:id" element={<RecordPage />} />;
}

export function recordsEmbedRoutes() {
  return <Route path="embed/records/:source/:model/:id" element={<EmbeddedBox />} />;
}
