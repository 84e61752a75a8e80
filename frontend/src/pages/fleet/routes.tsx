/** The fleet pages' routes: the databases list and one database's form (Databases Users). */

import { Route } from "react-router";
import { Guarded } from "../../app/App";
import { DatabasePage } from "./DatabasePage";
import { FleetList } from "./FleetList";

export function fleetRoutes() {
  return (
    <Route path="fleet">
      <Route index element={<Guarded need="fleet_user"><FleetList /></Guarded>} />
      <Route path="databases/:id" element={<Guarded need="fleet_user"><DatabasePage /></Guarded>} />
    </Route>
  );
}
