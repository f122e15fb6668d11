/**
 * A step's verification (seed 000): checked against the outputs its run published, once the run succeeded.
 * `http_status` compares `outputs.http_status`; `terraform_state` needs the required outputs and, when given, the
 * resource count (`outputs.resource_count`); `outputs` needs the listed keys.
 */
import type { StepRecord } from "./status-record.js";

type Verification = NonNullable<StepRecord["verification"]>;

export interface VerificationResult {
  verification: Verification;
  /** Why it failed, in a sentence; null when verified. */
  failure: string | null;
}

export function verify(verification: Verification, outputs: Record<string, unknown>): VerificationResult {
  const expected = verification.expected as Record<string, unknown> | number | string;
  const done = (actual: unknown, failure: string | null): VerificationResult => ({ verification: { ...verification, actual, verified: failure === null }, failure });
  switch (verification.type) {
    case "http_status": {
      const actual = outputs["http_status"];
      if (actual === undefined) return done(null, "the run published no http_status output");
      return String(actual) === String(expected) ? done(actual, null) : done(actual, `expected HTTP status ${String(expected)}, the run reported ${String(actual)}`);
    }
    case "terraform_state": {
      const want = expected as { resource_count?: number; required_outputs?: string[] };
      const missing = (want.required_outputs ?? []).filter((k) => !(k in outputs));
      const count = outputs["resource_count"];
      const actual = { outputs: Object.keys(outputs).sort(), ...(count !== undefined ? { resource_count: count } : {}) };
      if (missing.length > 0) return done(actual, `the run's outputs lack ${missing.join(", ")}`);
      if (want.resource_count !== undefined && Number(count) !== want.resource_count) {
        return done(actual, `expected ${want.resource_count} resources, the run reported ${count === undefined ? "none" : String(count)}`);
      }
      return done(actual, null);
    }
    case "outputs": {
      const required = (expected as { required?: string[] }).required ?? [];
      const missing = required.filter((k) => !(k in outputs));
      const actual = { outputs: Object.keys(outputs).sort() };
      return missing.length > 0 ? done(actual, `the run's outputs lack ${missing.join(", ")}`) : done(actual, null);
    }
    default:
      return done(null, `pao does not know the verification type ${JSON.stringify(verification.type)}`);
  }
}
