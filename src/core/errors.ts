// Typed errors: each kind carries an HTTP status and a stable code, turned into one JSON shape by the
// HTTP error handler and into a non-zero exit by the CLI.

export interface FieldIssue {
  field: string;
  message: string;
}

export class KizunaError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that does not pass validation: names the field(s) at fault. */
export class ValidationError extends KizunaError {
  constructor(issues: FieldIssue[]) {
    super(
      issues.map((i) => `${i.field}: ${i.message}`).join("; ") || "invalid input",
      "validation_failed",
      400,
      issues,
    );
  }

  static field(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

export class NotFoundError extends KizunaError {
  constructor(what: string) {
    super(`${what} not found`, "not_found", 404);
  }
}

export class UnauthorizedError extends KizunaError {
  constructor(message = "missing or invalid API key") {
    super(message, "unauthorized", 401);
  }
}

export class ForbiddenError extends KizunaError {
  constructor(message: string) {
    super(message, "forbidden", 403);
  }
}

export class ConflictError extends KizunaError {
  constructor(message: string) {
    super(message, "conflict", 409);
  }
}
