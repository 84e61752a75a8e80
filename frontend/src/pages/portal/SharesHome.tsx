/** The portal's "Shares" home: the open shares that list the signed-in portal user. */

import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import * as portal from "../../api/portal";
import { Icon } from "../../components/icons";
import "./portal.css";

export function SharesHome() {
  const list = useQuery({ queryKey: ["portal-shares"], queryFn: portal.portalShares });
  return (
    <div className="share-page">
      <section className="shares-home">
        <h1>Shares</h1>
        {list.isPending && <p>Loading…</p>}
        {list.isError && (
          <p className="error" role="alert">
            {list.error.message}
          </p>
        )}
        {list.data && list.data.length === 0 && <p className="note">Nothing is shared with you at the moment.</p>}
        {list.data && list.data.length > 0 && (
          <ul className="shares-list" aria-label="Shares">
            {[...list.data]
              .sort((a, b) => a.name.localeCompare(b.name))
              .map((share) => (
                <li key={share.id}>
                  <Link to={`/portal/shares/${share.id}`}>
                    <Icon name="share" color="#5d6678" /> {share.name}
                  </Link>
                  {share.expires_on && (
                    <span className="note"> open until {new Date(share.expires_on).toLocaleDateString()}</span>
                  )}
                </li>
              ))}
          </ul>
        )}
      </section>
    </div>
  );
}
