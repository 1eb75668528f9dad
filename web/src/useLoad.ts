// Loads something from the API for a page, again whenever the shop changes or the page asks.
import { useCallback, useEffect, useState } from "react";
import { api } from "./api";
import { useSession } from "./session";

export function useLoad<T>(path: string) {
  const { shop } = useSession();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    setError(null);
    api<T>("GET", path)
      .then(setData)
      .catch((err: Error) => setError(err.message));
  }, [path]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the shop is sent as a header, so a new shop means a new answer.
  useEffect(reload, [reload, shop?.id]);
  return { data, error, reload };
}
