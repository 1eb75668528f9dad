// Web push endpoints: the storefront (public key) fetches the shop's VAPID public key and registers or
// withdraws a browser's subscription; the service worker and the snippet's push addition are served
// from here too. Storefront pages call the /v1/push paths across origins (CORS in events/sdk-routes.ts).
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { shopIdOf } from "../../../http/auth.js";
import type { RoutePlugin } from "../../../http/context.js";
import {
  revokeInputSchema,
  revokeOutputSchema,
  subscriptionInputSchema,
  subscriptionOutputSchema,
  vapidPublicKeyOutputSchema,
} from "./schema.js";
import { type BrowserScript, loadPushScripts } from "./scripts.js";
import { revokeSubscription, saveSubscription } from "./subscriptions.js";
import { defaultVapidSubject, ensureVapidKeys } from "./vapid.js";

const tags = ["push"];

/** Paths storefront pages call from the shop's origin (GET, POST, DELETE). */
export const PUSH_STOREFRONT_PATHS = ["/v1/push/vapid-public-key", "/v1/push/subscriptions"] as const;

function sendScript(reply: FastifyReply, script: BrowserScript) {
  return reply
    .header("cache-control", "public, max-age=3600")
    .header("x-content-type-options", "nosniff")
    .header("access-control-allow-origin", "*")
    .type("application/javascript; charset=utf-8")
    .send(script.body);
}

export const pushRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;
  const scripts = loadPushScripts();
  const subject = defaultVapidSubject(ctx.publicUrl);

  const script = { config: { auth: "none" as const }, schema: { hide: true } };
  app.get("/kizuna-sw.js", script, async (_request, reply) => sendScript(reply, scripts.serviceWorker));
  app.get("/sdk-push.js", script, async (_request, reply) => sendScript(reply, scripts.sdkPush));

  app.get(
    "/v1/push/vapid-public-key",
    {
      config: { auth: "public" },
      schema: {
        tags,
        summary: "The shop's VAPID public key, for PushManager.subscribe(); created on first request",
        response: { 200: vapidPublicKeyOutputSchema },
      },
    },
    async (request) => {
      const keys = await ensureVapidKeys(db, clock, ctx.secret, shopIdOf(request), { subject });
      return { publicKey: keys.publicKey };
    },
  );

  app.post(
    "/v1/push/subscriptions",
    {
      config: { auth: "public" },
      schema: {
        tags,
        summary: "Register a browser's push subscription (again: updates it and makes it active)",
        description:
          "The body is PushSubscription.toJSON() with the visitor id and, when logged in, the member id. " +
          "A subscription of a known customer records their consent to push.",
        body: subscriptionInputSchema,
        response: { 200: subscriptionOutputSchema },
      },
    },
    async (request) => {
      const { endpoint, keys, visitorId, customerId } = request.body;
      return saveSubscription(db, clock, shopIdOf(request), { endpoint, keys, visitorId, customerId });
    },
  );

  app.delete(
    "/v1/push/subscriptions",
    {
      config: { auth: "public" },
      schema: {
        tags,
        summary: "Withdraw a browser's push subscription",
        body: revokeInputSchema,
        response: { 200: revokeOutputSchema },
      },
    },
    async (request) => ({
      revoked: await revokeSubscription(db, clock, shopIdOf(request), request.body.endpoint),
    }),
  );
};
