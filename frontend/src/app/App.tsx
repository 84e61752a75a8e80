/**
 * The app's routes. Each page is offered only to users the API lets through (the session's
 * flags): later pages (record attachment box, portal, sync, fleet, settings) are added here and
 * to the navigation in Layout.
 */

import { Navigate, Route, Routes } from "react-router";
import { FileManager } from "../pages/files/FileManager";
import { Layout } from "./Layout";
import { SessionContext, useSessionQuery, useUser } from "./session";

export function App() {
  const session = useSessionQuery();
  if (session.isPending) return <p className="page-message">Loading…</p>;
  if (session.isError) return <p className="page-message" role="alert">{session.error.message}</p>;
  return (
    <SessionContext.Provider value={session.data}>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<Home />} />
          <Route path="files" element={<Guarded need="file_manager"><FileManager /></Guarded>} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </SessionContext.Provider>
  );
}

function Home() {
  const user = useUser();
  if (user.file_manager) return <Navigate to="/files" replace />;
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

function Guarded({ need, children }: { need: "file_manager" | "administrator"; children: React.ReactNode }) {
  const user = useUser();
  if (!user[need]) {
    return (
      <section className="page-message" role="alert">
        <h1>Not available</h1>
        <p>This page needs {need === "file_manager" ? "the group File Manager Access" : "the group Administration"}.</p>
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
