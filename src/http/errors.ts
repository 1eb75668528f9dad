// One JSON error shape for every failure: {"error":{"code","message","issues":[{"field","message"}]}}.
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { ZodError } from "zod";
import { type FieldIssue, KizunaError } from "../core/errors.js";
import { validationErrorFromZod } from "../core/zod-errors.js";

interface ValidationItem {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: { keys?: string[] };
}

function fieldFromPath(context: string | undefined, instancePath: string | undefined): string {
  const parts = (instancePath ?? "").split("/").filter(Boolean);
  const path = parts.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("");
  const root = context && context !== "body" ? context : "";
  return `${root}${path}`.replace(/^\./, "") || context || "body";
}

export function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  issues: FieldIssue[] = [],
) {
  return reply.code(status).send({ error: { code, message, issues } });
}

/**
 * Errors Fastify raises before a request reaches any route (a URL with broken percent-encoding): the
 * same shape, naming the URL.
 */
export function frameworkErrorHandler(err: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const code = err.code?.toLowerCase() ?? "bad_request";
  return sendError(reply, err.statusCode ?? 400, code, err.message, [{ field: "url", message: err.message }]);
}

export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = (err.validation as ValidationItem[]).flatMap((v) => {
      const field = fieldFromPath(err.validationContext, v.instancePath);
      // An unknown property is named itself, not its parent object.
      if (v.keyword === "unrecognized_keys" && v.params?.keys?.length) {
        const parent = field === "body" ? "" : `${field}.`;
        // An empty key is shown as "", or the issue would name no field at all.
        return v.params.keys.map((key) => ({
          field: `${parent}${key === "" ? '""' : key}`,
          message: "is not a known field",
        }));
      }
      return [{ field, message: v.message ?? "invalid" }];
    });
    const message = issues.map((i) => `${i.field}: ${i.message}`).join("; ");
    return sendError(reply, 400, "validation_failed", message, issues);
  }
  if (err instanceof ZodError) {
    // A schema checked inside a feature rather than at the route: still the caller's input at fault.
    const v = validationErrorFromZod(err);
    return sendError(reply, v.status, v.code, v.message, v.issues);
  }
  if (err instanceof KizunaError) {
    return sendError(reply, err.status, err.code, err.message, err.issues);
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Fastify's own client errors: malformed JSON, body too large, unsupported media type.
    const field = err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE" ? "content-type" : "body";
    return sendError(reply, status, err.code?.toLowerCase() ?? "bad_request", err.message, [
      { field, message: err.message },
    ]);
  }
  request.log.error({ err }, "unhandled error");
  return sendError(reply, 500, "internal_error", "internal error");
}
