// Who is signed in and which shop they are working on. The server is the judge: on start the admin asks
// /v1/auth/me, and a 401 anywhere means "sign in again".
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from "react";
import { ApiError, api, type Me, type Shop, setSession } from "./api";

const SHOP_KEY = "kizuna.shop";

interface SessionState {
  me: Me | null;
  shop: Shop | null;
  loading: boolean;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  chooseShop(id: number): void;
}

const SessionContext = createContext<SessionState | null>(null);

function pickShop(me: Me): Shop | null {
  const stored = Number(localStorage.getItem(SHOP_KEY));
  return me.shops.find((s) => s.id === stored) ?? me.shops[0] ?? null;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [shop, setShop] = useState<Shop | null>(null);
  const [loading, setLoading] = useState(true);

  const adopt = useCallback((next: Me | null) => {
    const chosen = next ? pickShop(next) : null;
    setSession(next?.csrfToken ?? null, chosen?.id ?? null);
    setMe(next);
    setShop(chosen);
  }, []);

  useEffect(() => {
    api<Me>("GET", "/v1/auth/me")
      .then(adopt)
      .catch((err) => {
        if (!(err instanceof ApiError && err.status === 401)) console.error(err);
        adopt(null);
      })
      .finally(() => setLoading(false));
  }, [adopt]);

  const value: SessionState = {
    me,
    shop,
    loading,
    async signIn(email, password) {
      adopt(await api<Me>("POST", "/v1/auth/login", { email, password }));
    },
    async signOut() {
      await api("POST", "/v1/auth/logout").catch(() => undefined);
      adopt(null);
    },
    chooseShop(id) {
      const chosen = me?.shops.find((s) => s.id === id) ?? null;
      if (!chosen || !me) return;
      localStorage.setItem(SHOP_KEY, String(id));
      setSession(me.csrfToken, id);
      setShop(chosen);
    },
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}

/** Whether the signed-in role may change definitions (an analyst reads them only). */
export function useCanEdit(): boolean {
  const { shop } = useSession();
  return shop !== null && shop.role !== "analyst";
}
