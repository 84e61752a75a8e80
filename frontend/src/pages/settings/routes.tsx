/** The Settings page's route: administrators only (the API refuses everyone else too). */

import { Route } from "react-router";
import { Guarded } from "../../app/App";
import { SettingsPage } from "./SettingsPage";

export function settingsRoutes() {
  return (
    <Route
      path="settings"
      element={
        <Guarded need="administrator">
          <SettingsPage />
        </Guarded>
      }
    />
  );
}
