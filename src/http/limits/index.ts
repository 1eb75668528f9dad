// Limits on hostile input, registered once for the whole app: rate and body size on the public
// endpoints (public.ts), and what any JSON body may hold (json.ts).
export { jsonBodyIssues, MAX_JSON_DEPTH, registerJsonBodyCheck } from "./json.js";
export {
  DEFAULT_RATE_LIMITS,
  type PublicRateLimits,
  publicRouteLimit,
  RateLimitedError,
  registerPublicLimits,
} from "./public.js";
