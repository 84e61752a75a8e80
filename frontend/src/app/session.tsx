/** The signed-in user, loaded once: pages and buttons are offered from its flags. */

import { useQuery } from "@tanstack/react-query";
import { createContext, useContext } from "react";
import { me } from "../api/documents";
import type { CurrentUser } from "../api/types";

export const SessionContext = createContext<CurrentUser | null>(null);

export function useSessionQuery() {
  return useQuery({ queryKey: ["me"], queryFn: me, staleTime: Infinity });
}

export function useUser(): CurrentUser {
  const user = useContext(SessionContext);
  if (!user) throw new Error("useUser is used outside the signed-in layout");
  return user;
}
