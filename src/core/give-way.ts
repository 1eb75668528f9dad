// Long CPU work that runs on the server's own thread (in embedded mode the worker trains recommendations
// there) must still let requests through: it gives way to the event loop once its turn has lasted a few
// tens of milliseconds. Call the returned function often (it only yields when the turn is over).
export type GiveWay = () => Promise<void>;

export function giveWayEvery(turnMs = 50): GiveWay {
  let turnStarted = performance.now();
  return async () => {
    if (performance.now() - turnStarted < turnMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    turnStarted = performance.now();
  };
}
