import type { RoutePlugin } from "../../http/context.js";

// Placeholder: routes land with the feature.
export const shopifyRoutes: RoutePlugin = async () => {};
