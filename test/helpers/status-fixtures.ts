/**
 * Status records for end-to-end tests, modelled on seed 000's examples (4.2 and 4.6). Instants are stored as the
 * app stores them (ISO 8601 with an offset, not necessarily the served zone); the expected strings next to them
 * are what a client must see with PAO_TIMEZONE=America/Chicago and with UTC.
 *
 * The moments are chosen to catch a wrong offset: created in summer (CDT, -05:00), updated in winter (CST, -06:00),
 * and one attempt that starts and ends at the same wall time, 01:30, on either side of the 2025-11-02 fall-back.
 */
import type { StatusRecordInput } from "./git-repo.js";

/** A failed request for eks-container-app: step-001 completed, step-002 failed twice, step-003 waiting on it. */
export const FAILED: StatusRecordInput = {
  request_id: "req-abc123def456",
  status: "failed",
  kind: "catalog_item",
  name: "eks-container-app",
  version: "1.2.0",
  parameters: { app_name: "my-web-app", environment: "staging", replicas: 3, app_type: "api" },
  requester: { user_id: "dev-user-123", team: "product-team" },
  created_at: "2025-08-16T15:30:00Z",
  updated_at: "2025-12-16T16:40:00.000Z",
  pull_request: 42,
  request_path: "requests/product-team/customer-portal-web.yaml",
  fulfillment: {
    execution_mode: "automation",
    retry_policy: { max_attempts: 3, backoff_strategy: "exponential", initial_delay: "30s" },
    steps: [
      {
        step_id: "step-001",
        name: "validate_prerequisites",
        type: "HttpPost",
        status: "completed",
        depends_on: [],
        attempts: [
          {
            attempt_number: 1,
            run_id: 1001,
            run_url: "https://github.com/acme/pao/actions/runs/1001",
            // Stored with another offset: served in the configured zone all the same.
            started_at: "2025-08-16T17:30:30+02:00",
            completed_at: "2025-08-16T15:31:00Z",
            status: "completed",
          },
        ],
        outputs: { validation_token: "val-token-123" },
        verification: { type: "http_status", expected: "200", actual: "200", verified: true },
      },
      {
        step_id: "step-002",
        name: "provision_infrastructure",
        type: "TerraformFile",
        status: "failed",
        depends_on: ["step-001"],
        attempts: [
          {
            attempt_number: 1,
            run_id: 1002,
            run_url: "https://github.com/acme/pao/actions/runs/1002",
            started_at: "2025-08-16T15:31:00Z",
            completed_at: "2025-08-16T15:35:00Z",
            status: "failed",
            error: { type: "terraform_error", message: "Resource creation failed: subnet already exists" },
          },
          {
            attempt_number: 2,
            run_id: 1003,
            run_url: "https://github.com/acme/pao/actions/runs/1003",
            // 01:30 CDT and, an hour later, 01:30 CST.
            started_at: "2025-11-02T06:30:00Z",
            completed_at: "2025-11-02T07:30:00Z",
            status: "failed",
            error: { type: "timeout", message: "Step execution timed out after 300s" },
          },
        ],
        outputs: {},
        verification: {
          type: "terraform_state",
          expected: { resource_count: 5, required_outputs: ["cluster_endpoint", "service_url"] },
          actual: { resource_count: 3, outputs: [] },
          verified: false,
        },
      },
      {
        step_id: "step-003",
        name: "configure_monitoring",
        type: "GitHubWorkflow",
        status: "pending",
        depends_on: ["step-002"],
        attempts: [],
        outputs: {},
      },
    ],
    can_resume: true,
    can_abort: true,
    tickets: [],
  },
};

/** A completed bundle request by another user. */
export const COMPLETED: StatusRecordInput = {
  request_id: "req-0123456789ab",
  status: "completed",
  kind: "catalog_bundle",
  name: "full-stack-web-app",
  version: "2.1.0",
  parameters: { solution_name: "customer-portal", enable_ha: true },
  requester: { user_id: "dev-user-456", team: "product-team" },
  created_at: "2025-07-04T14:00:00Z",
  updated_at: "2025-07-04T14:20:00Z",
  pull_request: 7,
  request_path: "requests/product-team/customer-portal.yaml",
  fulfillment: {
    execution_mode: "automation",
    retry_policy: { max_attempts: 3, backoff_strategy: "exponential" },
    steps: [
      {
        step_id: "step-001",
        name: "eks-container-app.provision_infrastructure",
        type: "TerraformFile",
        status: "completed",
        attempts: [{ attempt_number: 1, run_id: 2001, started_at: "2025-07-04T14:01:00Z", completed_at: "2025-07-04T14:19:00Z", status: "completed" }],
        outputs: { service_url: "https://customer-portal.example.com" },
      },
    ],
    can_resume: false,
    can_abort: false,
  },
};

/** Every datetime of FAILED as served, per zone. */
export const SERVED = {
  "America/Chicago": {
    created_at: "2025-08-16T10:30:00-05:00",
    updated_at: "2025-12-16T10:40:00-06:00",
    step1: { started_at: "2025-08-16T10:30:30-05:00", completed_at: "2025-08-16T10:31:00-05:00" },
    step2: [
      { started_at: "2025-08-16T10:31:00-05:00", completed_at: "2025-08-16T10:35:00-05:00" },
      { started_at: "2025-11-02T01:30:00-05:00", completed_at: "2025-11-02T01:30:00-06:00" },
    ],
    completedCreatedAt: "2025-07-04T09:00:00-05:00",
  },
  UTC: {
    created_at: "2025-08-16T15:30:00+00:00",
    updated_at: "2025-12-16T16:40:00+00:00",
    step1: { started_at: "2025-08-16T15:30:30+00:00", completed_at: "2025-08-16T15:31:00+00:00" },
    step2: [
      { started_at: "2025-08-16T15:31:00+00:00", completed_at: "2025-08-16T15:35:00+00:00" },
      { started_at: "2025-11-02T06:30:00+00:00", completed_at: "2025-11-02T07:30:00+00:00" },
    ],
    completedCreatedAt: "2025-07-04T14:00:00+00:00",
  },
} as const;

/** When the example files were last modified, in the repositories these tests build (set with utimes). */
export const FILE_MTIME = new Date("2025-01-20T18:00:00Z");
/** FILE_MTIME as served: a winter moment, CST. */
export const FILE_MTIME_SERVED = { "America/Chicago": "2025-01-20T12:00:00-06:00", UTC: "2025-01-20T18:00:00+00:00" } as const;
/**
 * When createGitRepo commits the example files (its GIT_*_DATE), as served: a request file's created_at is the date
 * of the commit that added it, whatever its modification time.
 */
export const ADDED_AT_SERVED = { "America/Chicago": "2025-08-16T10:00:00-05:00", UTC: "2025-08-16T15:00:00+00:00" } as const;
