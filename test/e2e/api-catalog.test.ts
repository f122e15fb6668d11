/**
 * Issue 3, points 2 and 3: the catalog read endpoints of seed 000 (3.1-3.8) and the administration endpoints
 * (5.1-5.4), served by the real server in local mode and read over HTTP as a portal would.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./server.js";
import { createGitRepo, type GitRepo } from "../helpers/git-repo.js";
import { copyExampleRepo, REPO_ROOT, type RepoCopy } from "../helpers/repo-copy.js";
import { call, DATETIME, expectProblem, getJson, post } from "../helpers/http.js";
import { FILE_MTIME, FILE_MTIME_SERVED } from "../helpers/status-fixtures.js";

const ORIGIN_URL = "https://github.com/acme/pao-catalog.git";
const PACKAGE_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;

/** The example catalog's items as 3.1 lists them: each name once, at its highest released version, by name. */
const ITEMS = [
  {
    name: "application-monitoring",
    version: "1.0.0",
    description: "Dashboards, alerts and a daily report for an application",
    owner: "platform-observability-team",
    tags: ["monitoring", "observability", "alerts"],
    category: "compute",
  },
  {
    name: "dns-record",
    version: "1.0.0",
    description: "A DNS record in a company zone, created by the network team",
    owner: "platform-networking-team",
    tags: ["dns", "networking"],
    category: "networking",
  },
  {
    name: "eks-container-app",
    version: "1.2.0",
    description: "Managed Kubernetes application deployment",
    owner: "platform-compute-team",
    tags: ["containers", "kubernetes", "compute"],
    category: "compute",
  },
  {
    name: "kafka-topic",
    version: "1.0.0",
    description: "A topic on the shared Kafka cluster",
    owner: "platform-messaging-team",
    tags: ["kafka", "messaging", "streaming"],
    category: "messaging",
  },
  {
    name: "postgres-database",
    version: "2.1.0",
    description: "Managed PostgreSQL database with automated backups",
    owner: "platform-data-team",
    tags: ["database", "postgres", "sql"],
    category: "databases",
  },
  {
    name: "redis-cache",
    version: "1.1.0",
    description: "Managed Redis cache",
    owner: "platform-data-team",
    tags: ["cache", "redis", "database"],
    category: "databases",
  },
  {
    name: "s3-bucket",
    version: "1.0.0",
    description: "An S3 bucket with encryption and lifecycle rules",
    owner: "platform-storage-team",
    tags: ["storage", "s3", "object-storage"],
    category: "storage",
  },
].map((item) => ({ ...item, href: `/api/v1/catalog/items/${item.name}` }));

const NAMES = ITEMS.map((i) => i.name);

/** A form renderer's validator: ajv for draft 2020-12 with the standard formats; x- keywords are annotations. */
function compileForm(schema: Record<string, unknown>) {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  addFormats.default(ajv);
  const extensions = new Set<string>();
  const visit = (node: unknown) => {
    if (typeof node !== "object" || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith("x-")) extensions.add(key);
      visit(value);
    }
  };
  visit(schema);
  ajv.addVocabulary([...extensions]);
  return ajv.compile(schema);
}

let repo: GitRepo;
let server: RunningServer;
let big: RepoCopy;
let bigServer: RunningServer;
let api: string;
const BULK = 120;

beforeAll(async () => {
  repo = createGitRepo({ mtime: FILE_MTIME, origin: ORIGIN_URL });
  big = copyExampleRepo();
  for (let i = 1; i <= BULK; i++) {
    const n = String(i).padStart(3, "0");
    big.write(
      `catalog/storage/bulk-item-${n}.yaml`,
      [
        "kind: CatalogItem",
        `name: bulk-item-${n}`,
        "version: 1.0.0",
        `description: Generated item ${n}`,
        "owner: bulk-team",
        "tags: [bulk]",
        "presentation:",
        "  fields: []",
        "fulfillment:",
        "  actions:",
        "    - name: ticket",
        "      type: JiraTicket",
        "      template: { project: BULK }",
        "",
      ].join("\n"),
    );
  }
  [server, bigServer] = await Promise.all([
    startServer({ PAO_LOCAL_REPO: repo.dir, PAO_POLL_INTERVAL_MS: "0" }),
    startServer({ PAO_LOCAL_REPO: big.dir, PAO_POLL_INTERVAL_MS: "0" }),
  ]);
  api = server.api;
});

afterAll(async () => {
  await Promise.all([server?.stop(), bigServer?.stop()]);
  repo?.remove();
  big?.remove();
});

describe("3.1 list catalog items", () => {
  it("lists each item once, at its highest released version, in name order, with the summary fields", async () => {
    const body = await getJson(`${api}/catalog/items`);
    expect(body).toEqual({ items: ITEMS, pagination: { next_cursor: null, has_more: false, total_count: 7 } });
    for (const item of body.items) expect(Object.keys(item).sort()).toEqual(["category", "description", "href", "name", "owner", "tags", "version"]);
  });

  it("filters by tags, all of which must match (comma-separated, spaces ignored)", async () => {
    const names = async (q: string) => (await getJson(`${api}/catalog/items?${q}`)).items.map((i: { name: string }) => i.name);
    expect(await names("tags=database")).toEqual(["postgres-database", "redis-cache"]);
    expect(await names("tags=database,postgres")).toEqual(["postgres-database"]);
    expect(await names(`tags=${encodeURIComponent("redis, database")}`)).toEqual(["redis-cache"]);
    expect(await names("tags=database,kafka")).toEqual([]);
    // The pre-release's extra tag does not leak into the list, which shows 1.2.0.
    expect(await names("tags=compute,preview")).toEqual([]);
  });

  it("filters by owner and by category, and the filters combine", async () => {
    const list = async (q: string) => (await getJson(`${api}/catalog/items?${q}`));
    const byOwner = await list("owner=platform-data-team");
    expect(byOwner.items).toEqual(ITEMS.filter((i) => i.owner === "platform-data-team"));
    expect(byOwner.pagination).toEqual({ next_cursor: null, has_more: false, total_count: 2 });
    for (const category of ["compute", "databases", "messaging", "networking", "storage"]) {
      const body = await list(`category=${category}`);
      expect(body.items).toEqual(ITEMS.filter((i) => i.category === category));
      expect(body.pagination.total_count).toBe(ITEMS.filter((i) => i.category === category).length);
    }
    expect((await list("category=compute&owner=platform-compute-team")).items.map((i: { name: string }) => i.name)).toEqual(["eks-container-app"]);
    expect((await list("owner=nobody")).items).toEqual([]);
  });

  it("searches names and descriptions, ignoring case", async () => {
    const names = async (search: string) => (await getJson(`${api}/catalog/items?search=${encodeURIComponent(search)}`)).items.map((i: { name: string }) => i.name);
    expect(await names("MONITORING")).toEqual(["application-monitoring"]); // in the name only
    expect(await names("kubernetes")).toEqual(["eks-container-app"]); // in the description only
    expect(await names("mAnAgEd")).toEqual(["eks-container-app", "postgres-database", "redis-cache"]);
    expect(await names("Redis")).toEqual(["redis-cache"]);
    expect(await names("no such thing")).toEqual([]);
  });

  it("walks every page with limit=1 and limit=2, each item exactly once, in name order", async () => {
    for (const limit of [1, 2, 3]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `${api}/catalog/items?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
        const body = await getJson(url);
        pages++;
        expect(body.items.length).toBeLessThanOrEqual(limit);
        expect(body.pagination.total_count).toBe(7);
        seen.push(...body.items.map((i: { name: string }) => i.name));
        expect(body.pagination.has_more).toBe(seen.length < 7);
        cursor = body.pagination.next_cursor;
        if (body.pagination.has_more) expect(typeof cursor).toBe("string");
        else expect(cursor).toBeNull();
        expect(pages).toBeLessThanOrEqual(7);
      } while (cursor);
      expect(seen).toEqual(NAMES);
      expect(pages).toBe(Math.ceil(7 / limit));
    }
  });

  it("pages a filtered list within the filter", async () => {
    const first = await getJson(`${api}/catalog/items?category=databases&limit=1`);
    expect(first.items.map((i: { name: string }) => i.name)).toEqual(["postgres-database"]);
    expect(first.pagination.has_more).toBe(true);
    expect(first.pagination.total_count).toBe(2);
    const second = await getJson(`${api}/catalog/items?category=databases&limit=1&cursor=${encodeURIComponent(first.pagination.next_cursor)}`);
    expect(second.items.map((i: { name: string }) => i.name)).toEqual(["redis-cache"]);
    expect(second.pagination).toEqual({ next_cursor: null, has_more: false, total_count: 2 });
  });

  it("serves 50 by default and at most 100, and pages through a catalog larger than that", async () => {
    const total = 7 + BULK;
    const first = await getJson(`${bigServer.api}/catalog/items`);
    expect(first.items).toHaveLength(50);
    expect(first.pagination.has_more).toBe(true);
    expect(first.pagination.total_count).toBe(total);

    const hundred = await getJson(`${bigServer.api}/catalog/items?limit=100`);
    expect(hundred.items).toHaveLength(100);
    const rest = await getJson(`${bigServer.api}/catalog/items?limit=100&cursor=${encodeURIComponent(hundred.pagination.next_cursor)}`);
    expect(rest.items).toHaveLength(total - 100);
    expect(rest.pagination).toEqual({ next_cursor: null, has_more: false, total_count: total });
    const all = [...hundred.items, ...rest.items].map((i: { name: string }) => i.name);
    expect(new Set(all).size).toBe(total);
    expect(all).toEqual([...all].sort());

    expectProblem(await call(`${bigServer.api}/catalog/items?limit=101`), 400, "/api/v1/catalog/items");
    const health = await getJson(`${bigServer.api}/health`);
    expect(health.catalog_errors).toBe(0);
  });
});

describe("3.2 get catalog item", () => {
  it("serves the highest released version, not the newer pre-release, with every field of the seed", async () => {
    const item = await getJson(`${api}/catalog/items/eks-container-app`);
    expect(item.name).toBe("eks-container-app");
    expect(item.version).toBe("1.2.0");
    expect(item.description).toBe("Managed Kubernetes application deployment");
    expect(item.owner).toBe("platform-compute-team");
    expect(item.tags).toEqual(["containers", "kubernetes", "compute"]);
    expect(item.category).toBe("compute");
    expect(item.href).toBe("/api/v1/catalog/items/eks-container-app");
    expect(item.presentation.fields).toEqual([
      {
        name: "app_name",
        type: "string",
        required: true,
        max_length: 50,
        min_length: 3,
        regexp: "^[a-z][a-z0-9-]*$",
        help_text: "Application name (lowercase alphanumeric with hyphens)",
      },
      { name: "environment", type: "selection", oneof: ["dev", "staging", "prod"], required: true, help_text: "Target deployment environment" },
      { name: "replicas", type: "integer", min_value: 1, max_value: 10, default: 2, help_text: "Number of replicas to deploy" },
      { name: "app_type", type: "selection", oneof: ["web-frontend", "api", "worker"], default: "api", help_text: "What kind of workload this is" },
      {
        name: "prod_change_ticket",
        type: "string",
        required: true,
        regexp: "^CHG-[0-9]+$",
        conditional: { field: "environment", value: "prod" },
        help_text: "Change ticket, needed for production deployments only",
      },
    ]);
    expect(item.fulfillment.execution_mode).toBe("automation");
    expect(item.fulfillment.retry_policy).toEqual({ max_attempts: 3, backoff_strategy: "exponential", initial_delay: "30s" });
    expect(item.fulfillment.actions).toEqual([
      {
        name: "provision_infrastructure",
        type: "TerraformFile",
        template: {
          module_source: "./modules/eks-app",
          variables: { app_name: "{{ app_name }}", environment: "{{ environment }}", replica_count: "{{ replicas }}", app_type: "{{ app_type }}" },
        },
        verification: { type: "terraform_state", expected: { required_outputs: ["service_url"] } },
      },
    ]);
    expect([...item.available_versions].sort()).toEqual(["1.1.0", "1.2.0", "1.3.0-beta.1+build.20250816"].sort());
  });

  it("?version= selects an older version and the pre-release (with or without its build metadata)", async () => {
    const old = await getJson(`${api}/catalog/items/eks-container-app?version=1.1.0`);
    expect(old.version).toBe("1.1.0");
    expect(old.presentation.fields.map((f: { name: string }) => f.name)).toEqual(["app_name", "environment", "replicas"]);
    expect(old.presentation.fields[2].max_value).toBe(5);

    for (const asked of ["1.3.0-beta.1+build.20250816", "1.3.0-beta.1"]) {
      const pre = await getJson(`${api}/catalog/items/eks-container-app?version=${encodeURIComponent(asked)}`);
      expect(pre.version).toBe("1.3.0-beta.1+build.20250816");
      expect(pre.description).toBe("Managed Kubernetes application deployment (preview with autoscaling)");
      expect(pre.tags).toEqual(["containers", "kubernetes", "compute", "preview"]);
      expect(pre.presentation.fields.map((f: { name: string }) => f.name)).toEqual(["app_name", "environment", "min_replicas", "target_cpu"]);
    }

    const missing = expectProblem(await call(`${api}/catalog/items/eks-container-app?version=9.9.9`), 404, "/api/v1/catalog/items/eks-container-app");
    expect(missing.detail).toContain("9.9.9");
  });

  it("?version= with the version exactly as the seed writes it, '+' unescaped, selects the pre-release", async () => {
    // A '+' typed into a URL reaches the server as a space under form decoding; no semantic version holds a space.
    const pre = await call(`${api}/catalog/items/eks-container-app?version=1.3.0-beta.1+build.20250816`);
    expect(pre.status, pre.text).toBe(200);
    expect(pre.body.version).toBe("1.3.0-beta.1+build.20250816");
  });

  it("carries the parameters' JSON Schema, which a form renderer can compile and check input with", async () => {
    const item = await getJson(`${api}/catalog/items/eks-container-app`);
    const schema = item.presentation.json_schema;
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.type).toBe("object");
    expect(Object.keys(schema.properties)).toEqual(["app_name", "environment", "replicas", "app_type", "prod_change_ticket"]);
    expect(schema.required).toEqual(["app_name", "environment"]);

    const validate = compileForm(schema);
    expect(validate({ app_name: "my-web-app", environment: "staging", replicas: 3 }), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ app_name: "my-web-app", environment: "prod", prod_change_ticket: "CHG-1042" }), JSON.stringify(validate.errors)).toBe(true);

    expect(validate({ app_name: "My App", environment: "qa", replicas: 11, colour: "red" })).toBe(false);
    const paths = validate.errors!.map((e) => e.instancePath || `/${String(e.params["additionalProperty"] ?? "")}`);
    expect(paths).toEqual(expect.arrayContaining(["/app_name", "/environment", "/replicas", "/colour"]));
    // Required only when environment is prod (the field's `conditional`).
    expect(validate({ app_name: "my-web-app", environment: "prod" })).toBe(false);
    expect(validate({ environment: "dev" })).toBe(false);

    // Each version carries its own schema: 7 replicas are too many for 1.1.0 (max 5), fine for 1.2.0.
    const old = await getJson(`${api}/catalog/items/eks-container-app?version=1.1.0`);
    expect(compileForm(old.presentation.json_schema)({ app_name: "my-web-app", environment: "dev", replicas: 7 })).toBe(false);
    expect(validate({ app_name: "my-web-app", environment: "dev", replicas: 7 })).toBe(true);
  });

  it("serves for every item a JSON Schema that accepts the item's own defaults", async () => {
    const rejected: Record<string, unknown> = {};
    for (const name of NAMES) {
      const item = await getJson(`${api}/catalog/items/${name}`);
      const validate = compileForm(item.presentation.json_schema);
      // The defaults alone, which pao itself applies to requests, must pass the schema it serves (required fields aside).
      const defaults = Object.fromEntries(
        item.presentation.fields.filter((f: { default?: unknown }) => f.default !== undefined).map((f: { name: string; default: unknown }) => [f.name, f.default]),
      );
      validate(defaults);
      const wrong = (validate.errors ?? []).filter((e) => e.keyword !== "required");
      if (wrong.length > 0) rejected[name] = wrong.map((e) => `${e.instancePath} ${e.message} (${JSON.stringify(defaults[e.instancePath.slice(1)])})`);
    }
    expect(rejected).toEqual({});
  });

  it("answers 404 problems for an unknown item", async () => {
    const p = expectProblem(await call(`${api}/catalog/items/no-such-item`), 404, "/api/v1/catalog/items/no-such-item");
    expect(p.detail).toContain("no-such-item");
  });
});

describe("3.3 and 3.4 bundles", () => {
  it("lists bundles with the seed's summary fields", async () => {
    expect(await getJson(`${api}/catalog/bundles`)).toEqual({
      bundles: [
        {
          name: "full-stack-web-app",
          version: "2.1.0",
          description: "Complete web application stack with database and monitoring",
          owner: "platform-solutions-team",
          tags: ["web-app", "full-stack", "solution"],
          href: "/api/v1/catalog/bundles/full-stack-web-app",
        },
      ],
      pagination: { next_cursor: null, has_more: false, total_count: 1 },
    });
    expect((await getJson(`${api}/catalog/bundles?tags=web-app,solution`)).bundles).toHaveLength(1);
    expect((await getJson(`${api}/catalog/bundles?owner=platform-data-team`)).bundles).toEqual([]);
    expect((await getJson(`${api}/catalog/bundles?search=STACK`)).bundles).toHaveLength(1);
  });

  it("serves a bundle with its required and optional items and bundle fields", async () => {
    const b = await getJson(`${api}/catalog/bundles/full-stack-web-app`);
    expect(b.name).toBe("full-stack-web-app");
    expect(b.version).toBe("2.1.0");
    expect(b.description).toBe("Complete web application stack with database and monitoring");
    expect(b.owner).toBe("platform-solutions-team");
    expect(b.tags).toEqual(["web-app", "full-stack", "solution"]);
    expect(b.bundle).toEqual({
      required_items: [
        { catalog_item: "eks-container-app", version: ">=1.2.0", parameters: { app_type: "web-frontend", app_name: "{{ solution_name }}-web" } },
        { catalog_item: "postgres-database", version: ">=2.0.0" },
      ],
      optional_items: [
        { catalog_item: "redis-cache", version: ">=1.1.0", default_enabled: false },
        { catalog_item: "application-monitoring", version: ">=1.0.0", default_enabled: true, parameters: { app_name: "{{ solution_name }}-web" } },
      ],
    });
    expect(b.presentation.bundle_fields).toEqual([
      { name: "solution_name", type: "string", required: true, regexp: "^[a-z][a-z0-9-]*$", max_length: 40, help_text: "Name for this solution deployment" },
      { name: "enable_ha", type: "boolean", default: false, help_text: "Enable high availability mode" },
    ]);
    const validate = compileForm(b.presentation.json_schema);
    expect(validate({ solution_name: "customer-portal", enable_ha: true })).toBe(true);
    expect(validate({ enable_ha: "yes" })).toBe(false);
    expect(b.available_versions).toEqual(["2.1.0"]);
    expect(b.href).toBe("/api/v1/catalog/bundles/full-stack-web-app");
    expectProblem(await call(`${api}/catalog/bundles/eks-container-app`), 404, "/api/v1/catalog/bundles/eks-container-app");
  });
});

const MAJOR_UPGRADE_TARGETS = {
  catalog_items: [{ name: "postgres-database", version_range: ">=2.0.0, <3.0.0", required_parameters: ["database_name", "current_version"] }],
  destructive: true,
  downtime_required: true,
  estimated_duration: "45m",
};
const SCALE_TARGETS = {
  catalog_items: [{ name: "postgres-database", version_range: ">=2.0.0", required_parameters: ["database_name"] }],
  destructive: false,
  downtime_required: false,
  estimated_duration: "15m",
};

describe("3.5 and 3.6 update items", () => {
  it("lists update items with their targets, filtered by target_item and tags", async () => {
    const entry = {
      name: "postgres-major-upgrade",
      version: "1.0.0",
      description: "Upgrade PostgreSQL from version 14 to version 15",
      owner: "platform-data-team",
      tags: ["database", "postgres", "upgrade", "major-version"],
      targets: MAJOR_UPGRADE_TARGETS,
      href: "/api/v1/catalog/update-items/postgres-major-upgrade",
    };
    const all = { update_items: [entry], pagination: { next_cursor: null, has_more: false, total_count: 1 } };
    expect(await getJson(`${api}/catalog/update-items`)).toEqual(all);
    expect(await getJson(`${api}/catalog/update-items?target_item=postgres-database`)).toEqual(all);
    expect((await getJson(`${api}/catalog/update-items?target_item=eks-container-app`)).update_items).toEqual([]);
    expect((await getJson(`${api}/catalog/update-items?tags=upgrade,postgres`)).update_items).toEqual([entry]);
    expect((await getJson(`${api}/catalog/update-items?tags=scaling`)).update_items).toEqual([]);
  });

  it("serves an update item with targets, fields and manual and automated fulfilment", async () => {
    const u = await getJson(`${api}/catalog/update-items/postgres-major-upgrade`);
    expect(u.name).toBe("postgres-major-upgrade");
    expect(u.version).toBe("1.0.0");
    expect(u.targets).toEqual(MAJOR_UPGRADE_TARGETS);
    expect(u.presentation.fields).toEqual([
      { name: "target_version", type: "selection", oneof: ["15.1", "15.2", "15.3"], required: true, help_text: "Target PostgreSQL version" },
      { name: "maintenance_window", type: "datetime", required: true, help_text: "Scheduled maintenance window for upgrade" },
    ]);
    expect(u.fulfillment.manual).toEqual({
      system: "jira",
      template: {
        project: "PLATFORM",
        issue_type: "Major Upgrade",
        priority: "High",
        summary: "Upgrade {{ database_name }} from {{ current_version }} to {{ target_version }}",
      },
    });
    expect(u.fulfillment.automation.pre_execution_checks).toEqual(["verify_target_compatibility", "check_backup_status", "validate_maintenance_window"]);
    expect(u.fulfillment.automation.steps.map((s: { name: string; type: string; depends_on?: string[] }) => [s.name, s.type, s.depends_on ?? []])).toEqual([
      ["create_backup", "TerraformFile", []],
      ["upgrade_database", "TerraformFile", ["create_backup"]],
    ]);
    const validate = compileForm(u.presentation.json_schema);
    expect(validate({ target_version: "15.3", maintenance_window: "2025-08-23T02:00:00-05:00" }), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ target_version: "16.0", maintenance_window: "next tuesday" })).toBe(false);
    expect(u.available_versions).toEqual(["1.0.0"]);
    expect(u.href).toBe("/api/v1/catalog/update-items/postgres-major-upgrade");
    expectProblem(await call(`${api}/catalog/update-items/postgres-scale-update`), 404, "/api/v1/catalog/update-items/postgres-scale-update");
  });
});

describe("3.7 and 3.8 update operations", () => {
  it("lists update operations with their targets, filtered by target_item", async () => {
    const entry = {
      name: "postgres-scale-update",
      version: "1.1.0",
      description: "Update PostgreSQL instance size and storage",
      owner: "platform-data-team",
      tags: ["database", "postgres", "scaling", "update"],
      targets: SCALE_TARGETS,
      href: "/api/v1/catalog/update-operations/postgres-scale-update",
    };
    const all = { update_operations: [entry], pagination: { next_cursor: null, has_more: false, total_count: 1 } };
    expect(await getJson(`${api}/catalog/update-operations`)).toEqual(all);
    expect(await getJson(`${api}/catalog/update-operations?target_item=postgres-database`)).toEqual(all);
    expect((await getJson(`${api}/catalog/update-operations?target_item=redis-cache`)).update_operations).toEqual([]);
  });

  it("serves an update operation as seed 3.8 shows it", async () => {
    const u = await getJson(`${api}/catalog/update-operations/postgres-scale-update`);
    expect(u.name).toBe("postgres-scale-update");
    expect(u.version).toBe("1.1.0");
    expect(u.description).toBe("Update PostgreSQL instance size and storage");
    expect(u.owner).toBe("platform-data-team");
    expect(u.tags).toEqual(["database", "postgres", "scaling", "update"]);
    expect(u.targets).toEqual(SCALE_TARGETS);
    expect(u.presentation.fields).toEqual([
      { name: "instance_class", type: "selection", oneof: ["db.t3.micro", "db.t3.small", "db.t3.medium", "db.t3.large"], help_text: "Database instance class" },
      { name: "allocated_storage", type: "integer", min_value: 20, max_value: 1000, help_text: "Storage size in GB" },
    ]);
    expect(u.fulfillment.manual).toEqual({ system: "jira", template: { project: "PLATFORM", issue_type: "Service Update" } });
    expect(u.fulfillment.automation.steps.map((s: { name: string; type: string }) => [s.name, s.type])).toEqual([["update_configuration", "TerraformFile"]]);
    const validate = compileForm(u.presentation.json_schema);
    expect(validate({ instance_class: "db.t3.large", allocated_storage: 200 })).toBe(true);
    expect(validate({ allocated_storage: 10 })).toBe(false);
    expect(u.href).toBe("/api/v1/catalog/update-operations/postgres-scale-update");
  });
});

describe("5.2 health and 5.4 statistics", () => {
  it("5.2 reports status, pao's version, when the catalog changed, and the repository it reads", async () => {
    const before = Date.now();
    const health = await getJson(`${api}/health`);
    expect(Object.keys(health).sort()).toEqual(["catalog_errors", "catalog_last_updated", "diagnostics", "mode", "repository", "status", "version"]);
    expect(health.diagnostics).toEqual([]);
    expect(health.status).toBe("healthy");
    expect(health.version).toBe(PACKAGE_VERSION);
    expect(health.mode).toBe("local");
    expect(health.catalog_errors).toBe(0);
    expect(health.catalog_last_updated).toBe(FILE_MTIME_SERVED["America/Chicago"]);
    // The folder served (the clone's origin, ORIGIN_URL, is not what is served).
    expect(health.repository.url).toBe(pathToFileURL(repo.dir).href);
    expect(health.repository.branch).toBe("main");
    expect(health.repository.last_sync).toMatch(DATETIME);
    // last_sync is when the server read the repository: after it was built, not in the future.
    const synced = Date.parse(health.repository.last_sync);
    expect(synced).toBeGreaterThanOrEqual(FILE_MTIME.getTime());
    expect(synced).toBeLessThanOrEqual(before + 1000);
    expect(before - synced).toBeLessThan(60_000);
  });

  it("5.4 counts names, not versions, by owner and by category", async () => {
    expect(await getJson(`${api}/admin/catalog/stats`)).toEqual({
      total_items: 7,
      total_bundles: 1,
      total_update_items: 1,
      total_update_operations: 1,
      items_by_owner: {
        "platform-compute-team": 1,
        "platform-data-team": 2,
        "platform-messaging-team": 1,
        "platform-networking-team": 1,
        "platform-observability-team": 1,
        "platform-storage-team": 1,
      },
      items_by_category: { compute: 2, databases: 2, messaging: 1, networking: 1, storage: 1 },
      last_updated: FILE_MTIME_SERVED["America/Chicago"],
    });
  });
});

describe("5.3 validate a definition", () => {
  const definition = {
    name: "test-service",
    version: "1.0.0",
    description: "Test service definition",
    owner: "platform-team",
    tags: ["test"],
    presentation: { fields: [{ name: "summary", type: "string", required: true }] },
    fulfillment: { actions: [{ name: "ticket", type: "JiraTicket", template: { project: "PLAT", summary: "{{ summary }}" } }] },
  };

  it("answers valid for a good definition", async () => {
    const answer = await post(`${api}/admin/catalog/validate`, { type: "catalog_item", definition });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ valid: true, warnings: [], errors: [] });
  });

  it("answers the seed's own example (no actions) as valid, with a warning", async () => {
    const seed = { ...definition, presentation: { fields: [] }, fulfillment: { actions: [] } };
    const answer = await post(`${api}/admin/catalog/validate`, { type: "catalog_item", definition: seed });
    expect(answer.status).toBe(200);
    expect(answer.body.valid).toBe(true);
    expect(answer.body.errors).toEqual([]);
    expect(answer.body.warnings.length).toBeGreaterThan(0);
    for (const w of answer.body.warnings) expect(w).toEqual(expect.objectContaining({ code: expect.any(String), field: expect.any(String), message: expect.any(String) }));
  });

  it("answers 200 with valid false and {code, field, message} for each defect", async () => {
    const broken = {
      ...definition,
      version: "1.0",
      presentation: { fields: [{ name: "summary", type: "strin", required: true }] },
    };
    const answer = await post(`${api}/admin/catalog/validate`, { type: "catalog_item", definition: broken });
    expect(answer.status).toBe(200);
    expect(answer.body.valid).toBe(false);
    expect(answer.body.warnings).toEqual([]);
    for (const e of answer.body.errors) {
      expect(typeof e.code).toBe("string");
      expect(typeof e.field).toBe("string");
      expect(typeof e.message).toBe("string");
    }
    expect(answer.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "version-invalid", field: "version" }),
        expect.objectContaining({ code: "schema-invalid-value", field: "presentation.fields[0].type", hint: "did you mean 'string'?" }),
      ]),
    );

    const typo = { ...definition, fulfillment: { actions: [{ name: "ticket", type: "JiraTicket", template: { project: "PLAT", summary: "{{ sumary }}" } }] } };
    const t = await post(`${api}/admin/catalog/validate`, { type: "catalog_item", definition: typo });
    expect(t.body.valid).toBe(false);
    expect(t.body.errors).toEqual([expect.objectContaining({ code: "template-unknown-field", field: "fulfillment.actions[0].template.summary", hint: "did you mean 'summary'?" })]);
  });

  it("checks references against the served catalog, for every definition type", async () => {
    const bundle = {
      name: "b",
      version: "1.0.0",
      description: "d",
      owner: "o",
      tags: [],
      bundle: { required_items: [{ catalog_item: "nope-item", version: ">=1.0.0" }], optional_items: [] },
      presentation: { bundle_fields: [] },
    };
    const b = await post(`${api}/admin/catalog/validate`, { type: "catalog_bundle", definition: bundle });
    expect(b.body.valid).toBe(false);
    expect(b.body.errors).toEqual([expect.objectContaining({ code: "bundle-item-unknown", field: "bundle.required_items[0].catalog_item" })]);
    const fixed = { ...bundle, bundle: { required_items: [{ catalog_item: "redis-cache", version: ">=1.0.0" }], optional_items: [] } };
    expect((await post(`${api}/admin/catalog/validate`, { type: "catalog_bundle", definition: fixed })).body).toEqual({ valid: true, warnings: [], errors: [] });

    const operation = {
      name: "u",
      version: "1.0.0",
      description: "d",
      owner: "o",
      tags: [],
      targets: { catalog_items: [{ name: "postgres-database", version_range: ">=2.0.0" }], destructive: false, downtime_required: false },
      presentation: { fields: [] },
      fulfillment: { manual: { system: "jira", template: { project: "X" } } },
    };
    for (const type of ["update_item", "update_operation"]) {
      expect((await post(`${api}/admin/catalog/validate`, { type, definition: operation })).body).toEqual({ valid: true, warnings: [], errors: [] });
    }
  });

  it("changes nothing: the definition is not in the catalog afterwards", async () => {
    const before = await getJson(`${api}/catalog/items`);
    const statsBefore = await getJson(`${api}/admin/catalog/stats`);
    expect((await post(`${api}/admin/catalog/validate`, { type: "catalog_item", definition })).body.valid).toBe(true);
    expect(await getJson(`${api}/catalog/items`)).toEqual(before);
    expect(await getJson(`${api}/admin/catalog/stats`)).toEqual(statsBefore);
    expectProblem(await call(`${api}/catalog/items/test-service`), 404, "/api/v1/catalog/items/test-service");
  });

  it("refuses a body that is not a validate request with a 400 problem listing the fields", async () => {
    const p = expectProblem(await post(`${api}/admin/catalog/validate`, { type: "widget" }), 400, "/api/v1/admin/catalog/validate");
    expect(p.validation_errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: "type" }), expect.objectContaining({ field: "definition" })]),
    );
    for (const e of p.validation_errors) expect(Object.keys(e).sort()).toEqual(["error", "field", "message"]);
  });
});

describe("5.1 refresh", () => {
  it("re-reads the source and says what it found", async () => {
    const before = Date.now();
    const answer = await post(`${api}/admin/catalog/refresh`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      status: "refreshed",
      catalog_last_updated: FILE_MTIME_SERVED["America/Chicago"],
      last_sync: expect.stringMatching(DATETIME),
      items: 7,
      catalog_errors: 0,
    });
    expect(Date.parse(answer.body.last_sync)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    const health = await getJson(`${api}/health`);
    expect(health.repository.last_sync).toBe(answer.body.last_sync);
  });
});
