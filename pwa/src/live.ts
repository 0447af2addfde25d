// Live updates from the server (server-sent events) for a screen waiting on something: the server pushes
// when it changes (PostgreSQL tells it on commit), so no screen asks again every few seconds.
import { useEffect, useRef } from "preact/hooks";

/**
 * While `address` is set, an EventSource on it: each event of type `type` is parsed and handed to
 * `take`. Closed when `address` turns null (nothing waits any more) and on unmount. The server ends the
 * stream when nothing waits or after a while; EventSource reconnects by itself while it is open here.
 */
export function useLive<T>(address: string | null, type: string, take: (data: T) => void): void {
  const latest = useRef(take);
  latest.current = take;
  useEffect(() => {
    if (address === null) return;
    const events = new EventSource(address);
    events.addEventListener(type, (event) => latest.current(JSON.parse((event as MessageEvent<string>).data) as T));
    return () => events.close();
  }, [address, type]);
}
