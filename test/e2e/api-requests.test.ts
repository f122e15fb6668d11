/**
 * Issue 3, points 2 and 6: the request read endpoints of seed 000 (4.2, 4.3, 4.6) in local mode, where request files
 * come from the working tree and status records from the local `pao-status` branch; and datetimes served with the
 * offset of PAO_TIMEZONE (America/Chicago: CDT in summer, CST in winter; UTC: +00:00).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./server.js";
import { createGitRepo, type GitRepo } from "../helpers/git-repo.js";
import { call, DATETIME, expectProblem, getJson } from "../helpers/http.js";
import { ADDED_AT_SERVED, COMPLETED, FAILED, FILE_MTIME, FILE_MTIME_SERVED, SERVED } from "../helpers/status-fixtures.js";

type Zone = "America/Chicago" | "UTC";

let repo: GitRepo;
const servers = {} as Record<Zone, RunningServer>;

beforeAll(async () => {
  repo = createGitRepo({ records: [FAILED, COMPLETED], mtime: FILE_MTIME });
  [servers["America/Chicago"], servers.UTC] = await Promise.all([
    startServer({ PAO_LOCAL_REPO: repo.dir, PAO_POLL_INTERVAL_MS: "0", PAO_TIMEZONE: "America/Chicago" }),
    startServer({ PAO_LOCAL_REPO: repo.dir, PAO_POLL_INTERVAL_MS: "0", PAO_TIMEZONE: "UTC" }),
  ]);
});

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s?.stop()));
  repo?.remove();
});

const chicago = () => servers["America/Chicago"].api;

interface Summary {
  request_id: string;
  status: string;
  catalog_item?: string;
  catalog_bundle?: string;
  update_item?: string;
  update_operation?: string;
  created_at: string;
  href: string;
}

async function listAll(api: string, query = ""): Promise<Summary[]> {
  const body = await getJson(`${api}/requests${query}`);
  return body.requests;
}

/** The id the list gives the file-only request that orders `name`. */
async function idOf(field: "catalog_item" | "update_item" | "update_operation", name: string): Promise<string> {
  const found = (await listAll(chicago())).filter((r) => r[field] === name && r.status === "submitted");
  expect(found).toHaveLength(1);
  return found[0]!.request_id;
}

describe("4.3 list requests", () => {
  it("lists records and, as submitted, the request files that have none yet", async () => {
    const body = await getJson(`${chicago()}/requests`);
    expect(body.pagination).toEqual({ next_cursor: null, has_more: false, total_count: 5 });
    const requests: Summary[] = body.requests;
    for (const r of requests) {
      expect(r.request_id).toMatch(/^req-[0-9a-f]{12}$/);
      expect(r.href).toBe(`/api/v1/requests/${r.request_id}`);
      expect(r.created_at).toMatch(DATETIME);
    }
    expect(requests.map((r) => r.request_id)).toEqual([...requests.map((r) => r.request_id)].sort());

    expect(requests.find((r) => r.request_id === FAILED.request_id)).toEqual({
      request_id: "req-abc123def456",
      status: "failed",
      catalog_item: "eks-container-app",
      created_at: SERVED["America/Chicago"].created_at,
      href: "/api/v1/requests/req-abc123def456",
    });
    expect(requests.find((r) => r.request_id === COMPLETED.request_id)).toEqual({
      request_id: "req-0123456789ab",
      status: "completed",
      catalog_bundle: "full-stack-web-app",
      created_at: SERVED["America/Chicago"].completedCreatedAt,
      href: "/api/v1/requests/req-0123456789ab",
    });

    // The three files without a record; the two files that have one are not listed twice.
    const pending = requests.filter((r) => r.status === "submitted");
    expect(pending.map((r) => ({ ...r, request_id: "", href: "" }))).toEqual(
      expect.arrayContaining([
        { request_id: "", status: "submitted", catalog_item: "postgres-database", created_at: ADDED_AT_SERVED["America/Chicago"], href: "" },
        { request_id: "", status: "submitted", update_item: "postgres-major-upgrade", created_at: ADDED_AT_SERVED["America/Chicago"], href: "" },
        { request_id: "", status: "submitted", update_operation: "postgres-scale-update", created_at: ADDED_AT_SERVED["America/Chicago"], href: "" },
      ]),
    );
    expect(pending).toHaveLength(3);
    expect(requests.filter((r) => r.catalog_item === "eks-container-app")).toHaveLength(1);
    expect(requests.filter((r) => r.catalog_bundle === "full-stack-web-app")).toHaveLength(1);
  });

  it("gives every request the same id whichever server process (and zone) serves it", async () => {
    const ids = async (api: string) => (await listAll(api)).map((r) => r.request_id);
    expect(await ids(servers.UTC.api)).toEqual(await ids(chicago()));
  });

  it("filters by status", async () => {
    const ids = async (status: string) => (await listAll(chicago(), `?status=${status}`)).map((r) => r.request_id);
    expect(await ids("failed")).toEqual(["req-abc123def456"]);
    expect(await ids("completed")).toEqual(["req-0123456789ab"]);
    expect(await ids("submitted")).toHaveLength(3);
    expect(await ids("in_progress")).toEqual([]);
    const p = expectProblem(await call(`${chicago()}/requests?status=resuming`), 400, "/api/v1/requests");
    expect(p.validation_errors).toEqual([expect.objectContaining({ field: "status" })]);
  });

  it("filters by user_id, alone and with status", async () => {
    const ids = async (q: string) => (await listAll(chicago(), `?${q}`)).map((r) => r.request_id);
    expect(await ids("user_id=dev-user-123")).toEqual(["req-abc123def456"]);
    expect(await ids("user_id=dev-user-456")).toEqual(["req-0123456789ab"]);
    expect(await ids("user_id=dev-user-123&status=failed")).toEqual(["req-abc123def456"]);
    expect(await ids("user_id=dev-user-123&status=completed")).toEqual([]);
    expect(await ids("user_id=nobody")).toEqual([]);
  });

  it("pages with a cursor, each request exactly once", async () => {
    const all = (await listAll(chicago())).map((r) => r.request_id);
    for (const limit of [1, 2]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const body = await getJson(`${chicago()}/requests?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        expect(body.pagination.total_count).toBe(5);
        seen.push(...body.requests.map((r: Summary) => r.request_id));
        cursor = body.pagination.next_cursor;
        expect(seen.length).toBeLessThanOrEqual(5);
      } while (cursor);
      expect(seen).toEqual(all);
    }
  });
});

describe("4.2 request status", () => {
  it("serves a request file with no record as submitted: resolved version, defaults applied, planned steps pending", async () => {
    const id = await idOf("catalog_item", "postgres-database");
    const r = await getJson(`${chicago()}/requests/${id}`);
    expect(r).toEqual({
      request_id: id,
      status: "submitted",
      catalog_item: "postgres-database",
      // The file asks for ">=2.0.0, <3.0.0"; the catalog has 2.1.0.
      version: "2.1.0",
      // As written, plus the defaults of the fields it leaves out.
      parameters: {
        database_name: "orders",
        instance_class: "db.t3.medium",
        allocated_storage: 100,
        backup_start_date: "2025-09-01",
        current_version: "14",
        enable_backups: true,
      },
      // The commit that added the file (its modification time is older: it was not touched since).
      created_at: ADDED_AT_SERVED["America/Chicago"],
      updated_at: ADDED_AT_SERVED["America/Chicago"],
      requester: { user_id: null, team: "data-team" },
      pull_request: null,
      request_path: "requests/data-team/orders-db.yaml",
      fulfillment: {
        execution_mode: "automation",
        retry_policy: { max_attempts: 2, backoff_strategy: "linear", current_attempt: 0 },
        steps: [
          {
            step_id: "step-001",
            name: "provision_database",
            type: "TerraformFile",
            status: "pending",
            depends_on: [],
            attempts: 0,
            started_at: null,
            completed_at: null,
            outputs: {},
            verification: { type: "terraform_state", expected: { required_outputs: ["endpoint"] } },
          },
          {
            step_id: "step-002",
            name: "register_database",
            type: "HttpPost",
            status: "pending",
            depends_on: ["step-001"],
            attempts: 0,
            started_at: null,
            completed_at: null,
            outputs: {},
            verification: { type: "http_status", expected: "201" },
          },
        ],
        can_resume: false,
        can_abort: false,
      },
      href: `/api/v1/requests/${id}`,
    });
  });

  it("resolves the version of an update that names none, and plans its steps", async () => {
    const id = await idOf("update_item", "postgres-major-upgrade");
    const r = await getJson(`${chicago()}/requests/${id}`);
    expect(r.status).toBe("submitted");
    expect(r.update_item).toBe("postgres-major-upgrade");
    expect(r.version).toBe("1.0.0");
    expect(r.parameters).toEqual({ target_version: "15.3", maintenance_window: "2025-08-23T02:00:00-05:00" });
    expect(r.fulfillment.steps.map((s: { step_id: string; name: string; status: string; depends_on: string[] }) => [s.step_id, s.name, s.status, s.depends_on])).toEqual([
      ["step-001", "create_backup", "pending", []],
      ["step-002", "upgrade_database", "pending", ["step-001"]],
    ]);
  });

  it("serves a status record from the pao-status branch, field by field", async () => {
    const c = SERVED["America/Chicago"];
    expect(await getJson(`${chicago()}/requests/req-abc123def456`)).toEqual({
      request_id: "req-abc123def456",
      status: "failed",
      catalog_item: "eks-container-app",
      version: "1.2.0",
      parameters: { app_name: "my-web-app", environment: "staging", replicas: 3, app_type: "api" },
      created_at: c.created_at,
      updated_at: c.updated_at,
      requester: { user_id: "dev-user-123", team: "product-team" },
      pull_request: 42,
      request_path: "requests/product-team/customer-portal-web.yaml",
      fulfillment: {
        execution_mode: "automation",
        retry_policy: { max_attempts: 3, backoff_strategy: "exponential", current_attempt: 2 },
        steps: [
          {
            step_id: "step-001",
            name: "validate_prerequisites",
            type: "HttpPost",
            status: "completed",
            depends_on: [],
            attempts: 1,
            started_at: c.step1.started_at,
            completed_at: c.step1.completed_at,
            outputs: { validation_token: "val-token-123" },
            verification: { type: "http_status", expected: "200", actual: "200", verified: true },
          },
          {
            step_id: "step-002",
            name: "provision_infrastructure",
            type: "TerraformFile",
            status: "failed",
            depends_on: ["step-001"],
            attempts: 2,
            // The step started with its first attempt and ended with its last.
            started_at: c.step2[0]!.started_at,
            completed_at: c.step2[1]!.completed_at,
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
            attempts: 0,
            started_at: null,
            completed_at: null,
            outputs: {},
            verification: null,
          },
        ],
        can_resume: true,
        can_abort: true,
      },
      href: "/api/v1/requests/req-abc123def456",
    });
  });

  it("answers 404 problems for an unknown request", async () => {
    const p = expectProblem(await call(`${chicago()}/requests/req-000000000000`), 404, "/api/v1/requests/req-000000000000");
    expect(p.detail).toContain("req-000000000000");
    expectProblem(await call(`${chicago()}/requests/not-an-id`), 404, "/api/v1/requests/not-an-id");
  });
});

describe("4.6 step execution details", () => {
  it("serves a failed step's attempts with their errors, and that it can be retried", async () => {
    const c = SERVED["America/Chicago"];
    expect(await getJson(`${chicago()}/requests/req-abc123def456/steps/step-002`)).toEqual({
      request_id: "req-abc123def456",
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
          started_at: c.step2[0]!.started_at,
          completed_at: c.step2[0]!.completed_at,
          status: "failed",
          error: { type: "terraform_error", message: "Resource creation failed: subnet already exists" },
        },
        {
          attempt_number: 2,
          run_id: 1003,
          run_url: "https://github.com/acme/pao/actions/runs/1003",
          started_at: c.step2[1]!.started_at,
          completed_at: c.step2[1]!.completed_at,
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
      can_retry: true,
      can_skip: false,
      manual_fallback_available: true,
    });
  });

  it("says a completed or pending step cannot be retried, nor a step of a completed request", async () => {
    const done = await getJson(`${chicago()}/requests/req-abc123def456/steps/step-001`);
    expect(done.status).toBe("completed");
    expect(done.attempts).toEqual([
      {
        attempt_number: 1,
        run_id: 1001,
        run_url: "https://github.com/acme/pao/actions/runs/1001",
        started_at: SERVED["America/Chicago"].step1.started_at,
        completed_at: SERVED["America/Chicago"].step1.completed_at,
        status: "completed",
        error: null,
      },
    ]);
    expect(done.outputs).toEqual({ validation_token: "val-token-123" });
    expect(done.can_retry).toBe(false);

    const waiting = await getJson(`${chicago()}/requests/req-abc123def456/steps/step-003`);
    expect(waiting).toMatchObject({ status: "pending", depends_on: ["step-002"], attempts: [], verification: null, can_retry: false });

    const completed = await getJson(`${chicago()}/requests/req-0123456789ab/steps/step-001`);
    expect(completed).toMatchObject({ name: "eks-container-app.provision_infrastructure", status: "completed", can_retry: false });
    expect(completed.attempts[0]).toEqual({
      attempt_number: 1,
      run_id: 2001,
      run_url: null,
      started_at: "2025-07-04T09:01:00-05:00",
      completed_at: "2025-07-04T09:19:00-05:00",
      status: "completed",
      error: null,
    });
  });

  it("serves the planned steps of a request file with no record", async () => {
    const id = await idOf("catalog_item", "postgres-database");
    expect(await getJson(`${chicago()}/requests/${id}/steps/step-002`)).toEqual({
      request_id: id,
      step_id: "step-002",
      name: "register_database",
      type: "HttpPost",
      status: "pending",
      depends_on: ["step-001"],
      attempts: [],
      outputs: {},
      verification: { type: "http_status", expected: "201" },
      can_retry: false,
      can_skip: false,
      manual_fallback_available: true,
    });
  });

  it("answers 404 problems for an unknown step and for a step of an unknown request", async () => {
    const p = expectProblem(await call(`${chicago()}/requests/req-abc123def456/steps/step-009`), 404, "/api/v1/requests/req-abc123def456/steps/step-009");
    expect(p.detail).toContain("step-009");
    expectProblem(await call(`${chicago()}/requests/req-000000000000/steps/step-001`), 404, "/api/v1/requests/req-000000000000/steps/step-001");
  });
});

describe("datetimes in the configured zone", () => {
  it("America/Chicago: summer instants with -05:00, winter ones with -06:00, at the exact local wall time", async () => {
    const c = SERVED["America/Chicago"];
    const r = await getJson(`${chicago()}/requests/req-abc123def456`);
    expect(r.created_at).toBe("2025-08-16T10:30:00-05:00");
    expect(r.updated_at).toBe("2025-12-16T10:40:00-06:00");
    expect(r.created_at).toBe(c.created_at);
    expect(r.updated_at).toBe(c.updated_at);
    // An hour apart, the same wall time 01:30, told apart by the offset (the 2025-11-02 fall-back).
    const step = await getJson(`${chicago()}/requests/req-abc123def456/steps/step-002`);
    expect(step.attempts[1].started_at).toBe("2025-11-02T01:30:00-05:00");
    expect(step.attempts[1].completed_at).toBe("2025-11-02T01:30:00-06:00");
    expect(Date.parse(step.attempts[1].completed_at) - Date.parse(step.attempts[1].started_at)).toBe(3600_000);
    // A stored +02:00 instant is served in the configured zone.
    expect((await getJson(`${chicago()}/requests/req-abc123def456/steps/step-001`)).attempts[0].started_at).toBe("2025-08-16T10:30:30-05:00");
  });

  it("UTC: every datetime with +00:00, naming the same instants", async () => {
    const u = SERVED.UTC;
    const api = servers.UTC.api;
    const r = await getJson(`${api}/requests/req-abc123def456`);
    expect(r.created_at).toBe(u.created_at);
    expect(r.updated_at).toBe(u.updated_at);
    expect(r.fulfillment.steps[0].started_at).toBe(u.step1.started_at);
    expect(r.fulfillment.steps[1].completed_at).toBe(u.step2[1].completed_at);
    const step = await getJson(`${api}/requests/req-abc123def456/steps/step-002`);
    expect(step.attempts.map((a: { started_at: string; completed_at: string }) => ({ started_at: a.started_at, completed_at: a.completed_at }))).toEqual(u.step2);
    const list = await listAll(api);
    expect(list.find((x) => x.request_id === "req-0123456789ab")!.created_at).toBe(u.completedCreatedAt);
    expect(list.filter((x) => x.status === "submitted").map((x) => x.created_at)).toEqual([ADDED_AT_SERVED.UTC, ADDED_AT_SERVED.UTC, ADDED_AT_SERVED.UTC]);
    expect(Date.parse(r.created_at)).toBe(Date.parse(SERVED["America/Chicago"].created_at));
  });

  it("health and statistics use the zone too", async () => {
    expect((await getJson(`${chicago()}/health`)).catalog_last_updated).toBe(FILE_MTIME_SERVED["America/Chicago"]);
    expect((await getJson(`${servers.UTC.api}/health`)).catalog_last_updated).toBe(FILE_MTIME_SERVED.UTC);
    expect((await getJson(`${servers.UTC.api}/admin/catalog/stats`)).last_updated).toBe(FILE_MTIME_SERVED.UTC);
    const h = await getJson(`${servers.UTC.api}/health`);
    expect(h.repository.last_sync).toMatch(/\+00:00$/);
  });
});
