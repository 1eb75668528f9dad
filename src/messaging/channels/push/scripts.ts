// The browser side of web push, served as they are: the service worker (/kizuna-sw.js) and the
// snippet's push addition (/sdk-push.js). Read once at startup.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface BrowserScript {
  body: string;
}

// The .js files sit next to this module in src/; compiled code runs from dist/src/messaging/channels/
// push/, five levels below the package root, and tsc does not copy .js sources, so look in src/ too.
function readScript(name: string): BrowserScript {
  const candidates = [`./${name}`, `../../../../../src/messaging/channels/push/${name}`];
  const tried = candidates.map((c) => fileURLToPath(new URL(c, import.meta.url)));
  const path = tried.find((p) => existsSync(p));
  if (!path) throw new Error(`${name} not found; looked in ${tried.join(", ")}`);
  return { body: readFileSync(path, "utf8") };
}

export function loadPushScripts(): { serviceWorker: BrowserScript; sdkPush: BrowserScript } {
  return { serviceWorker: readScript("kizuna-sw.js"), sdkPush: readScript("sdk-push.js") };
}
