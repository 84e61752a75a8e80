/** The sync pages' routes: connections, the queue and the log, for administrators. */

import { Route } from "react-router";
import { Guarded } from "../../app/App";
import { ConnectionPage } from "./ConnectionPage";
import { ConnectionsPage } from "./ConnectionsPage";
import { LogsPage } from "./LogsPage";
import { QueuePage } from "./QueuePage";
import { SyncLayout } from "./SyncLayout";

export function syncRoutes() {
  return (
    <Route
      path="sync"
      element={
        <Guarded need="administrator">
          <SyncLayout />
        </Guarded>
      }
    >
      <Route index element={<ConnectionsPage />} />
      <Route path="connections/new" element={<ConnectionPage />} />
      <Route path="connections/:id" element={<ConnectionPage />} />
      <Route path="queue" element={<QueuePage />} />
      <Route path="logs" element={<LogsPage />} />
    </Route>
  );
}
