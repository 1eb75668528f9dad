// The shop's delivery policies (policies.ts) as an API: read with the defaults beside them, changed a
// field at a time. Reading is open to every member; changing them is the owner's (the default "settings"
// area in accounts/roles.ts): lowering a pause threshold or turning sunset off risks the sender
// reputation of every mail the shop sends. Writes are audit-logged by the auth hook.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { shopIdOf } from "../http/auth.js";
import type { RoutePlugin } from "../http/context.js";
import {
  changeShopPolicies,
  DEFAULT_POLICIES,
  type DeliveryPolicies,
  policiesChangeSchema,
  policyPartSchemas,
  shopPolicies,
} from "./policies.js";

const policiesShape = z.object(policyPartSchemas);
const policiesView = policiesShape.extend({ defaults: policiesShape });

const view = (policies: DeliveryPolicies) => ({ ...policies, defaults: DEFAULT_POLICIES });

export const policyRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;
  const tags = ["shop"];

  app.get(
    "/shop/policies",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "The shop's attribution windows, sunset policy, pause thresholds and double opt-in",
        description:
          "Each with the defaults filled in where the shop has not set its own; `defaults` shows them.",
        response: { 200: policiesView },
      },
    },
    async (request) => view(await shopPolicies(db, shopIdOf(request))),
  );

  app.patch(
    "/shop/policies",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Change some of the shop's delivery policies",
        description: [
          "Only the fields given change; a part given as `null` goes back to the defaults.",
          "attribution: days after a click (`clickDays`) or, without one, an open (`openDays`) in which an",
          "order is credited to the message, 0–90; orders already credited keep their credit.",
          "sunset: promotional email stops for an address with no open or click in `days` (30–1095), after",
          "one re-permission mail. deliverability: the bounce, complaint and unsubscribe rates (0–1) over the",
          "last day that pause the shop's email, once it has sent `minSends`. doubleOptIn.email: a new",
          "email consent waits for the customer to click the confirmation link.",
        ].join(" "),
        body: policiesChangeSchema,
        response: { 200: policiesView },
      },
    },
    async (request) => view(await changeShopPolicies(db, shopIdOf(request), request.body)),
  );
};
