/** The frame of every page: the header with the navigation, the user and "Sign out". */

import { NavLink, Outlet } from "react-router";
import { csrfToken } from "../api/client";
import { useUser } from "./session";

export function Layout() {
  const user = useUser();
  return (
    <div className="layout">
      <header className="topbar">
        <a className="brand" href="/">
          Archivist
        </a>
        <nav aria-label="Main">
          {user.file_manager && <NavLink to="/files">Files</NavLink>}
          {user.portal && <NavLink to="/portal">Shares</NavLink>}
          {user.administrator && <NavLink to="/sync">Sync</NavLink>}
          {user.fleet_user && <NavLink to="/fleet">Fleet</NavLink>}
          {user.administrator && <NavLink to="/settings">Settings</NavLink>}
          {user.back_office && <a href="/admin/">Back office</a>}
        </nav>
        <form className="signout" method="post" action="/logout/">
          <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken()} />
          <span className="who" title={user.username}>
            {user.name}
          </span>
          <button type="submit">Sign out</button>
        </form>
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
