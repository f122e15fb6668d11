/**
 * Errors of the REST API, as RFC 7807 problem details. Handlers throw an ApiProblem; the error middleware is the
 * one place that turns it (or anything unexpected) into an `application/problem+json` answer.
 */
export interface ValidationError {
  field: string;
  error: string;
  message: string;
}

export type ProblemKind =
  | "bad-request"
  | "validation-error"
  | "unauthorized"
  | "not-found"
  | "method-not-allowed"
  | "not-acceptable"
  | "payload-too-large"
  | "unsupported-media-type"
  | "rate-limited"
  | "internal-error"
  | "unavailable";

const TITLES: Record<ProblemKind, [number, string]> = {
  "bad-request": [400, "Bad request"],
  "validation-error": [400, "Request validation failed"],
  unauthorized: [401, "Authentication required"],
  "not-found": [404, "Not found"],
  "method-not-allowed": [405, "Method not allowed"],
  "not-acceptable": [406, "Not acceptable"],
  "payload-too-large": [413, "Payload too large"],
  "unsupported-media-type": [415, "Unsupported media type"],
  "rate-limited": [429, "Too many requests"],
  "internal-error": [500, "Internal server error"],
  unavailable: [503, "Service unavailable"],
};

export class ApiProblem extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly kind: ProblemKind,
    readonly detail: string,
    readonly extra: { validation_errors?: ValidationError[]; headers?: Record<string, string>; [key: string]: unknown } = {},
  ) {
    super(detail);
    const [status, title] = TITLES[kind];
    this.status = status;
    this.title = title;
  }

  /** Bounded whatever the caller sent: a detail or a field may echo the caller's text, never all of it. */
  body(instance: string): Record<string, unknown> {
    const { headers: _headers, validation_errors, ...rest } = this.extra;
    return {
      type: problemType(this.kind),
      title: this.title,
      status: this.status,
      detail: clip(this.detail, MAX_DETAIL),
      instance: clip(instance, MAX_INSTANCE),
      ...rest,
      ...(validation_errors
        ? { validation_errors: validation_errors.slice(0, MAX_ERRORS).map((e) => ({ field: clip(e.field, MAX_FIELD), error: clip(e.error, MAX_FIELD), message: clip(e.message, MAX_DETAIL) })) }
        : {}),
    };
  }
}

const MAX_DETAIL = 1000;
const MAX_INSTANCE = 300;
const MAX_FIELD = 100;
/** How many validation errors one answer lists. */
export const MAX_ERRORS = 20;

/** At most `max` characters, saying how many more there were. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** A stable identifier for each kind of problem. A URN: it names the problem without pretending to be a web page. */
export function problemType(kind: ProblemKind): string {
  return `urn:pao:problem:${kind}`;
}
