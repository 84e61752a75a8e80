/**
 * The app's routes. Each page is offered only to users the API lets through (the session's
 * flags). Each area declares its own routes (`pages/<area>/routes.tsx`); a share's token page
 * (`/s/<token>`) is open to visitors who are not signed in, so it is routed before the session
 * is asked for.
 */

import { Navigate, Route, Routes, useLocation } from "react-router";
import { FileManager } from "../pages/files/FileManager";
import { fleetRoutes } from "../pages/fleet/routes";
import { VisitorPage } from "../pages/portal/public";
import { portalRoutes } from "../pages/portal/routes";
import { recordsEmbedRoutes, recordsRoutes } from "../pages/records/routes";
import { settingsRoutes } from "../pages/settings/routes";
import { syncRoutes } from "../pages/sync/routes";
import { Layout } from "./Layout";
import { SessionContext, useSessionQuery, useUser } from "./session";

export function App() {
  const location = useLocation();
  if (location.pathname.startsWith("/s/")) {
    return (
      <Routes>
        <Route path="/s/:token/*" element={<VisitorPage />} />
      </Routes>
    );
  }
  return <SignedInApp />;
}

function SignedInApp() {
  const session = useSessionQuery();
  if (session.isPending) return <p className="page-message">Loading…</p>;
  if (session.isError) return <p className="page-message" role="alert">{session.error.message}</p>;
  return (
    <SessionContext.Provider value={session.data}>
      <Routes>
        {recordsEmbedRoutes()}
        <Route element={<Layout />}>
          <Route index element={<Home />} />
          <Route path="files" element={<Guarded need="file_manager"><FileManager /></Guarded>} />
          {recordsRoutes()}
          {portalRoutes()}
          {syncRoutes()}
          {fleetRoutes()}
          {settingsRoutes()}
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </SessionContext.Provider>
  );
}

function Home() {
  const user = useUser();
  if (user.file_manager) return <Navigate to="/files" replace />;
  if (user.portal) return <Navigate to="/portal" replace />;
  if (user.fleet_user) return <Navigate to="/fleet" replace />;
  return (
    <section className="page-message">
      <h1>Welcome, {user.name}</h1>
      <p>
        {user.portal
          ? "Your shares will be listed here."
          : "You have no access to the file manager; ask an administrator for the group File Manager Access."}
      </p>
    </section>
  );
}

type Need = "file_manager" | "administrator" | "fleet_user" | "fleet_administrator" | "portal";

const NEEDS: Record<Need, string> = {
  file_manager: "the group File Manager Access",
  administrator: "the group Administration",
  fleet_user: "the group Databases User",
  fleet_administrator: "the group Databases Administrator",
  portal: "a portal account",
};

/** The page when the user has the flag `need`, else a page saying which group it needs. */
export function Guarded({ need, children }: { need: Need; children: React.ReactNode }) {
  const user = useUser();
  if (!user[need]) {
    return (
      <section className="page-message" role="alert">
        <h1>Not available</h1>
        <p>This page needs {NEEDS[need]}.</p>
      </section>
    );
  }
  return <>{children}</>;
}

function NotFound() {
  return (
    <section className="page-message">
      <h1>Page not found</h1>
    </section>
  );
}
