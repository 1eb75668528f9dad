// Assembles the HTTP server: validation and OpenAPI from zod, one error shape, API-key auth, and each
// feature's routes under /v1.
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { accountRoutes } from "../accounts/routes.js";
import { dashboardRoutes } from "../analytics/dashboard-routes.js";
import { analyticsRoutes } from "../analytics/routes.js";
import { campaignRoutes } from "../campaigns/routes.js";
import { catalogRoutes } from "../catalog/routes.js";
import { customerRoutes } from "../customers/routes.js";
import { customerTimelineRoutes } from "../customers/timeline-routes.js";
import { eventRoutes } from "../events/routes.js";
import { sdkRoutes } from "../events/sdk-routes.js";
import {
  SHOPIFY_WEBHOOK_PATH,
  shopifySettingsRoutes,
  shopifyWebhookRoutes,
} from "../integrations/shopify/index.js";
import { lineRoutes } from "../messaging/channels/line/routes.js";
import { pushRoutes } from "../messaging/channels/push/routes.js";
import { smsRoutes } from "../messaging/channels/sms/routes.js";
import { inboundRoutes } from "../messaging/inbound/routes.js";
import { optInRoutes, setConsentsWithOptIn } from "../messaging/opt-in/index.js";
import { policyRoutes } from "../messaging/policy-routes.js";
import { postalRoutes } from "../messaging/postal/routes.js";
import { preferenceRoutes } from "../messaging/preferences/routes.js";
import { messagingRoutes } from "../messaging/routes.js";
import { trackingRoutes } from "../messaging/tracking-routes.js";
import { orderRoutes } from "../orders/routes.js";
import { privacyRoutes } from "../privacy/routes.js";
import { recommendationRoutes } from "../recommend/routes.js";
import { scenarioRoutes } from "../scenarios/routes.js";
import { scenarioVersionRoutes } from "../scenarios/version-routes.js";
import { segmentRoutes } from "../segments/routes.js";
import { guardrailRoutes } from "../shops/guardrail-routes.js";
import { adminRoutes, isAdminPage, sendAdminIndex } from "./admin.js";
import { registerAuth } from "./auth.js";
import type { AppContext } from "./context.js";
import { errorHandler, frameworkErrorHandler } from "./errors.js";
import { type PublicRateLimits, registerJsonBodyCheck, registerPublicLimits } from "./limits/index.js";

export interface BuildAppOptions {
  /** Log requests (the server does; tests and benchmarks do not). */
  logRequests?: boolean;
  /** Told of every route as it is registered: the cross-shop test classifies each one. */
  onRoute?: (route: RouteOptions) => void;
  /**
   * Requests per minute per client on the public endpoints (limits/), over the defaults; false turns
   * them off (the ingest benchmark, which sends thousands a second from one address).
   */
  rateLimits?: Partial<PublicRateLimits> | false;
  /** Behind a reverse proxy: whose X-Forwarded-For to believe for the client's address (all, or these). */
  trustProxy?: boolean | string[];
}

// A batch of 1,000 events with properties fits well inside this; larger bodies get a 413.
const BODY_LIMIT_BYTES = 5 * 1024 * 1024;

export async function buildApp(ctx: AppContext, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (options.logRequests ? ctx.logger : undefined) as FastifyBaseLogger | undefined,
    bodyLimit: BODY_LIMIT_BYTES,
    // External ids and SKUs may be 128 characters, percent-encoded in the path.
    routerOptions: { maxParamLength: 1024 },
    // Rate limits count per client address: behind a proxy, without this every client is the proxy.
    trustProxy: options.trustProxy ?? false,
    frameworkErrors: frameworkErrorHandler,
  });
  if (options.onRoute) app.addHook("onRoute", options.onRoute);

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    // A reload or bookmark of one of the admin's pages: the SPA's router knows it, the server's does not.
    isAdminPage(request)
      ? sendAdminIndex(reply)
      : reply.code(404).send({
          error: { code: "not_found", message: `no route ${request.method} ${request.url}`, issues: [] },
        }),
  );
  await registerAuth(app, ctx);
  await registerPublicLimits(app, options.rateLimits);
  registerJsonBodyCheck(app);
  // A "yes" to email through the API waits for the customer's confirmation where the shop wants it.
  ctx.recordConsents ??= (trx, clock, shopId, customerId, consents, source) =>
    setConsentsWithOptIn(trx, clock, ctx.secret, { shopId, customerId, consents, source });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: "Kizuna API",
        description: "Customer data ingestion and read-back for Kizuna, the e-commerce CRM.",
        version: "1",
      },
      components: {
        securitySchemes: {
          apiKey: { type: "http", scheme: "bearer", description: "Secret or public API key" },
          session: {
            type: "apiKey",
            in: "cookie",
            name: "kizuna_session",
            description:
              "A person signed in to the admin (POST /v1/auth/login); changes also need the X-CSRF-Token header, and a member of several shops names one with X-Kizuna-Shop",
          },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/docs" });

  app.get("/healthz", { schema: { hide: true } }, async () => ({ ok: true }));

  await app.register(adminRoutes, { ctx });
  await app.register(sdkRoutes, { ctx });
  await app.register(accountRoutes, { ctx, prefix: "/v1" });
  await app.register(customerRoutes, { ctx, prefix: "/v1" });
  await app.register(customerTimelineRoutes, { ctx, prefix: "/v1" });
  await app.register(privacyRoutes, { ctx, prefix: "/v1" });
  await app.register(catalogRoutes, { ctx, prefix: "/v1" });
  await app.register(recommendationRoutes, { ctx, prefix: "/v1" });
  await app.register(orderRoutes, { ctx, prefix: "/v1" });
  await app.register(eventRoutes, { ctx, prefix: "/v1" });
  await app.register(scenarioRoutes, { ctx, prefix: "/v1" });
  await app.register(scenarioVersionRoutes, { ctx, prefix: "/v1" });
  await app.register(segmentRoutes, { ctx, prefix: "/v1" });
  await app.register(analyticsRoutes, { ctx, prefix: "/v1" });
  await app.register(dashboardRoutes, { ctx, prefix: "/v1" });
  await app.register(campaignRoutes, { ctx, prefix: "/v1" });
  await app.register(messagingRoutes, { ctx, prefix: "/v1" });
  await app.register(guardrailRoutes, { ctx, prefix: "/v1" });
  await app.register(policyRoutes, { ctx, prefix: "/v1" });
  await app.register(shopifySettingsRoutes, { ctx, prefix: "/v1" });
  await app.register(shopifyWebhookRoutes, { ctx, prefix: SHOPIFY_WEBHOOK_PATH });
  // Messaging: each plugin mounts its own paths (provider webhooks, tracking and unsubscribe pages
  // live outside /v1 because recipients and providers, not API clients, call them).
  await app.register(lineRoutes, { ctx });
  await app.register(smsRoutes, { ctx });
  await app.register(pushRoutes, { ctx });
  await app.register(postalRoutes, { ctx });
  await app.register(preferenceRoutes, { ctx });
  await app.register(optInRoutes, { ctx });
  await app.register(trackingRoutes, { ctx });
  await app.register(inboundRoutes, { ctx });
  return app;
}
