/**
 * A deterministic generator of large, valid, realistic catalogs, for benchmarks (and for tests that need many
 * definitions). Everything comes from a seeded PRNG, so the same options give byte-identical files.
 *
 * What it writes, as in-memory files ({path, text}) laid out like a repository:
 *  - catalog items spread over the five category folders, with unique names and descriptions, 3-8 fields each
 *    across all 11 field types (bounds, lengths and defaults that vary per item, regexps from a pool of realistic
 *    safe anchored patterns, conditionals, read-only hidden fields), 1-3 actions of all five types with Handlebars
 *    templates over the item's fields, depends_on chains, verifications and retry policies;
 *  - bundles (catalog/bundles/) and update items / update operations (catalog/update-items/,
 *    catalog/update-operations/) that reference generated items in a satisfiable version range with real fields;
 *  - the executor workflows the actions run (the repository's own .github/workflows files plus a few generated
 *    GitHubWorkflow executors) and .github/pao.yml, so the catalog validates with no error.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { SourceFile } from "../src/catalog/load.js";

export interface GenerateOptions {
  /** Number of catalog item files (one item, one version each). */
  items: number;
  /** PRNG seed; the same seed and options give identical output. Default 1. */
  seed?: number;
  /** Default: one per 50 items (at least 1). */
  bundles?: number;
  /** Default: one per 50 items (at least 1). */
  updateItems?: number;
  /** Default: one per 100 items (at least 1). */
  updateOperations?: number;
  /**
   * Files under .github/ to include as they are (workflows, pao.yml). Default: this repository's .github/workflows
   * and .github/pao.yml, read from disk. Pass your own (or []) to keep the generator free of I/O: default executors
   * that are missing (pao-terraform.yml, pao-http.yml) are then generated, so the catalog stays valid.
   */
  workflows?: readonly SourceFile[];
}

export interface GeneratedCatalog {
  files: SourceFile[];
  /** Paths of the catalog item files, in generation order (handy for picking a file to edit). */
  itemPaths: string[];
  counts: {
    items: number;
    bundles: number;
    updateItems: number;
    updateOperations: number;
    workflows: number;
    fields: number;
    actions: number;
    templates: number;
    files: number;
    bytes: number;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: small, fast, good enough for test data. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** k distinct items, in their original order. */
  sample<T>(items: readonly T[], k: number): T[] {
    const idx = items.map((_, i) => i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    return idx
      .slice(0, Math.min(k, items.length))
      .sort((a, b) => a - b)
      .map((i) => items[i]!);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary

const CATEGORIES = ["compute", "databases", "messaging", "networking", "storage"] as const;
type Category = (typeof CATEGORIES)[number];

interface Noun {
  slug: string;
  label: string;
  module: string;
}

const NOUNS: Record<Category, Noun[]> = {
  compute: [
    { slug: "container-app", label: "container application on EKS", module: "eks-app" },
    { slug: "lambda-function", label: "Lambda function", module: "lambda" },
    { slug: "batch-job", label: "AWS Batch job queue", module: "batch" },
    { slug: "ecs-service", label: "ECS Fargate service", module: "ecs-service" },
    { slug: "vm-instance", label: "EC2 virtual machine", module: "ec2-instance" },
    { slug: "autoscaling-group", label: "autoscaling group", module: "asg" },
    { slug: "cron-job", label: "scheduled Kubernetes CronJob", module: "k8s-cronjob" },
    { slug: "k8s-namespace", label: "Kubernetes namespace with quotas", module: "k8s-namespace" },
    { slug: "gpu-node-pool", label: "GPU node pool", module: "eks-nodegroup" },
    { slug: "static-site", label: "static website", module: "static-site" },
  ],
  databases: [
    { slug: "postgres-database", label: "PostgreSQL database", module: "rds-postgres" },
    { slug: "mysql-database", label: "MySQL database", module: "rds-mysql" },
    { slug: "redis-cache", label: "Redis cache", module: "elasticache-redis" },
    { slug: "dynamodb-table", label: "DynamoDB table", module: "dynamodb-table" },
    { slug: "mongodb-cluster", label: "MongoDB Atlas cluster", module: "atlas-cluster" },
    { slug: "aurora-cluster", label: "Aurora cluster", module: "aurora" },
    { slug: "opensearch-domain", label: "OpenSearch domain", module: "opensearch" },
    { slug: "read-replica", label: "database read replica", module: "rds-replica" },
    { slug: "db-user", label: "database user with scoped grants", module: "db-user" },
    { slug: "timeseries-db", label: "Timestream database", module: "timestream" },
  ],
  messaging: [
    { slug: "kafka-topic", label: "Kafka topic", module: "msk-topic" },
    { slug: "sqs-queue", label: "SQS queue", module: "sqs-queue" },
    { slug: "sns-topic", label: "SNS topic", module: "sns-topic" },
    { slug: "rabbitmq-vhost", label: "RabbitMQ virtual host", module: "rabbitmq-vhost" },
    { slug: "eventbridge-rule", label: "EventBridge rule", module: "eventbridge-rule" },
    { slug: "kinesis-stream", label: "Kinesis data stream", module: "kinesis" },
    { slug: "pubsub-subscription", label: "Pub/Sub subscription", module: "pubsub-sub" },
    { slug: "webhook-endpoint", label: "webhook endpoint", module: "webhook" },
    { slug: "mqtt-bridge", label: "MQTT bridge", module: "iot-bridge" },
    { slug: "dead-letter-queue", label: "dead-letter queue", module: "sqs-dlq" },
  ],
  networking: [
    { slug: "dns-record", label: "DNS record", module: "route53-record" },
    { slug: "load-balancer", label: "application load balancer", module: "alb" },
    { slug: "vpc-peering", label: "VPC peering connection", module: "vpc-peering" },
    { slug: "security-group", label: "security group", module: "security-group" },
    { slug: "tls-certificate", label: "TLS certificate", module: "acm-certificate" },
    { slug: "cdn-distribution", label: "CloudFront distribution", module: "cloudfront" },
    { slug: "firewall-rule", label: "network firewall rule", module: "firewall-rule" },
    { slug: "private-link", label: "PrivateLink endpoint", module: "privatelink" },
    { slug: "nat-gateway", label: "NAT gateway", module: "nat-gateway" },
    { slug: "api-route", label: "API gateway route", module: "apigw-route" },
  ],
  storage: [
    { slug: "s3-bucket", label: "S3 bucket", module: "s3-bucket" },
    { slug: "efs-volume", label: "EFS file system", module: "efs" },
    { slug: "snapshot-policy", label: "EBS snapshot policy", module: "dlm-policy" },
    { slug: "backup-vault", label: "backup vault", module: "backup-vault" },
    { slug: "artifact-repository", label: "artifact repository", module: "codeartifact" },
    { slug: "glacier-archive", label: "Glacier archive vault", module: "glacier" },
    { slug: "file-share", label: "SMB file share", module: "fsx-share" },
    { slug: "lifecycle-policy", label: "object lifecycle policy", module: "s3-lifecycle" },
    { slug: "container-registry", label: "container registry", module: "ecr-repository" },
    { slug: "data-lake-zone", label: "data lake zone", module: "lakeformation" },
  ],
};

const QUALIFIERS = [
  "managed", "shared", "regional", "standard", "hardened", "ha", "lite", "secure", "internal", "public",
  "edge", "batch", "tenant", "legacy", "premium", "sandbox", "pci", "gdpr", "analytics", "core",
];
const ADJECTIVES = [
  "Managed", "Shared", "Regional", "Standard", "Hardened", "Highly available", "Lightweight", "Encrypted",
  "Internal", "Public-facing", "Low-latency", "Cost-optimised", "Multi-tenant", "Compliance-ready", "Self-service",
];
const FEATURES = [
  "with automated backups", "with encryption at rest", "with audit logging", "with autoscaling",
  "with daily snapshots", "with cross-region replication", "with private networking only", "with alerting wired in",
  "with least-privilege IAM", "with cost allocation tags", "with blue-green rollout", "with retention policies",
  "with a runbook and dashboards", "with SSO-protected access", "with rate limiting",
];
const AUDIENCES = [
  "product teams", "the data platform", "payment services", "internal tools", "customer-facing APIs",
  "batch analytics", "the mobile backend", "partner integrations", "machine learning workloads", "regulated workloads",
  "short-lived experiments", "the search team", "the identity platform", "marketing sites", "event processing",
];
const REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-2", "ap-northeast-1", "ca-central-1", "sa-east-1"];
const TEAMS = [
  "platform-compute-team", "platform-data-team", "platform-messaging-team", "platform-networking-team",
  "platform-storage-team", "platform-observability-team", "platform-security-team", "sre-team", "payments-infra",
  "identity-platform", "developer-experience", "data-engineering", "ml-platform", "edge-team", "finops-team",
];
const CATEGORY_TAGS: Record<Category, string[]> = {
  compute: ["compute", "containers", "kubernetes", "serverless", "vm", "autoscaling"],
  databases: ["database", "sql", "nosql", "cache", "backup", "replication"],
  messaging: ["messaging", "streaming", "queue", "events", "pubsub", "async"],
  networking: ["networking", "dns", "tls", "load-balancing", "firewall", "cdn"],
  storage: ["storage", "object-storage", "backup", "archive", "registry", "files"],
};
const GENERIC_TAGS = ["production-ready", "self-service", "pci", "gdpr", "cost-tracked", "tier-1", "tier-2", "beta"];

/** Safe, anchored patterns of the kind platform teams write, each with a value it accepts and fitting field names. */
export const REGEXP_POOL: ReadonlyArray<{ pattern: string; example: string; names: readonly string[] }> = [
  { pattern: "^[a-z][a-z0-9-]*$", example: "orders-api", names: ["app_name", "service_name", "cluster_name"] },
  { pattern: "^[a-z][a-z0-9_]*$", example: "orders_db", names: ["database_name", "schema_name", "db_user"] },
  { pattern: "^[a-z0-9][a-z0-9.-]*[a-z0-9]$", example: "acme-logs.eu", names: ["bucket_name", "vault_name"] },
  { pattern: "^[a-z0-9]([a-z0-9-]*[a-z0-9])?$", example: "web-01", names: ["hostname", "label"] },
  { pattern: "^CHG-[0-9]+$", example: "CHG-20412", names: ["change_ticket", "prod_change_ticket"] },
  { pattern: "^[A-Z][A-Z0-9]{1,9}-[0-9]{1,6}$", example: "PLAT-1234", names: ["jira_key", "tracking_issue"] },
  { pattern: "^[0-9]{12}$", example: "123456789012", names: ["account_id", "aws_account"] },
  { pattern: "^[a-z]{2}-[a-z]+-[0-9]$", example: "eu-west-1", names: ["aws_region", "home_region"] },
  { pattern: "^(?:[0-9]{1,3}\\.){3}[0-9]{1,3}$", example: "10.0.12.7", names: ["ip_address", "peer_ip"] },
  { pattern: "^(?:[0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}$", example: "10.20.0.0/16", names: ["cidr_block", "allowed_cidr"] },
  { pattern: "^v[0-9]+\\.[0-9]+\\.[0-9]+$", example: "v1.4.2", names: ["image_tag", "release_tag"] },
  { pattern: "^[0-9a-f]{40}$", example: "3f786850e387550fdab836ed7e6dc881de23001b", names: ["commit_sha", "source_revision"] },
  { pattern: "^arn:aws:[a-z0-9-]+:[a-z0-9-]*:[0-9]{12}:[A-Za-z0-9/_-]+$", example: "arn:aws:iam::123456789012:role/deployer", names: ["role_arn", "kms_key_arn"] },
  { pattern: "^[a-z0-9._%+-]+@[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.[a-z]{2,}$", example: "ops@example.com", names: ["owner_email", "contact_email"] },
  { pattern: "^https://[a-z0-9.-]+(?:/[A-Za-z0-9._~/-]*)?$", example: "https://hooks.example.com/deploy", names: ["webhook_url", "health_check_url"] },
  { pattern: "^[0-9]+(?:Mi|Gi)$", example: "512Mi", names: ["memory_limit", "memory_request"] },
  { pattern: "^[0-9]+m$", example: "250m", names: ["cpu_request", "cpu_limit"] },
  { pattern: "^sg-[0-9a-f]{8,17}$", example: "sg-0a1b2c3d4e5f60718", names: ["security_group_id", "source_security_group"] },
  { pattern: "^vpc-[0-9a-f]{8,17}$", example: "vpc-0abc1234", names: ["vpc_id", "peer_vpc_id"] },
  { pattern: "^[a-z][a-z0-9-]{2,39}$", example: "payments", names: ["team_slug", "namespace"] },
  { pattern: "^[a-z][a-z0-9-]*\\.example\\.com$", example: "api.example.com", names: ["domain_name", "origin_host"] },
  { pattern: "^[A-Z]{3}$", example: "EUR", names: ["currency", "cost_currency"] },
  { pattern: "^[a-z]+(?:-[a-z]+)*$", example: "blue-green", names: ["rollout_strategy", "profile"] },
];

const FREE_STRING_NAMES = ["display_name", "target", "contact", "purpose", "alias", "cost_center", "project_code", "consumer"];
const FREE_STRING_VALUES = ["orders", "checkout-service", "nightly-etl", "team-alpha", "CC-4411", "analytics", "billing"];
const INTEGER_FIELDS: ReadonlyArray<{ name: string; lo: number; hi: number }> = [
  { name: "replicas", lo: 1, hi: 50 },
  { name: "partitions", lo: 1, hi: 256 },
  { name: "retention_days", lo: 1, hi: 3650 },
  { name: "max_connections", lo: 10, hi: 5000 },
  { name: "port", lo: 1, hi: 65535 },
  { name: "timeout_seconds", lo: 1, hi: 900 },
  { name: "node_count", lo: 1, hi: 100 },
  { name: "disk_gb", lo: 8, hi: 16384 },
  { name: "memory_mb", lo: 128, hi: 10240 },
  { name: "min_instances", lo: 0, hi: 20 },
  { name: "max_instances", lo: 1, hi: 200 },
  { name: "ttl_seconds", lo: 30, hi: 86400 },
  { name: "batch_size", lo: 1, hi: 10000 },
  { name: "allocated_storage", lo: 20, hi: 65536 },
];
const NUMBER_FIELDS: ReadonlyArray<{ name: string; lo: number; hi: number }> = [
  { name: "cpu_cores", lo: 0.25, hi: 96 },
  { name: "latency_slo_ms", lo: 1, hi: 5000 },
  { name: "monthly_budget_usd", lo: 10, hi: 250000 },
  { name: "throughput_mbps", lo: 1, hi: 10000 },
  { name: "scale_factor", lo: 0.1, hi: 10 },
  { name: "read_capacity", lo: 1, hi: 40000 },
];
const PERCENTAGE_NAMES = ["error_rate_threshold", "cpu_target", "disk_alert_threshold", "sampling_rate", "canary_weight", "memory_alert"];
const BOOLEAN_NAMES = ["enable_backups", "versioning", "public_access", "multi_az", "encryption", "enable_logging", "deletion_protection", "auto_scaling", "tls_required", "dry_run"];
const DATE_NAMES = ["start_date", "expiry_date", "backup_start_date", "review_date", "decommission_date"];
const DATETIME_NAMES = ["maintenance_window", "go_live", "cutover_at", "freeze_until", "scheduled_at"];
const TIME_NAMES = ["daily_report_time", "backup_time", "maintenance_start", "quiet_hours_start", "rotation_time"];
const TEXTAREA_NAMES = ["runbook", "justification", "notes", "access_reason", "config_overrides", "rollback_plan"];
const SELECTIONS: ReadonlyArray<{ name: string; options: ReadonlyArray<string | number> }> = [
  { name: "environment", options: ["dev", "staging", "prod", "sandbox"] },
  { name: "instance_class", options: ["db.t3.micro", "db.t3.small", "db.t3.medium", "db.t3.large", "db.r6g.xlarge"] },
  { name: "region", options: REGIONS },
  { name: "tier", options: ["bronze", "silver", "gold", "platinum"] },
  { name: "log_level", options: ["debug", "info", "warn", "error"] },
  { name: "engine_version", options: ["13", "14", "15", "16"] },
  { name: "node_size", options: ["1gb", "2gb", "4gb", "8gb", "16gb"] },
  { name: "storage_class", options: ["standard", "infrequent-access", "glacier", "deep-archive"] },
  { name: "protocol", options: ["http", "https", "tcp", "grpc"] },
  { name: "record_type", options: ["A", "AAAA", "CNAME", "TXT"] },
  { name: "az_count", options: [1, 2, 3] },
  { name: "eviction_policy", options: ["allkeys-lru", "volatile-lru", "noeviction"] },
];
const MULTISELECTS: ReadonlyArray<{ name: string; options: readonly string[] }> = [
  { name: "notification_channels", options: ["email", "slack", "pagerduty", "teams", "webhook"] },
  { name: "allowed_regions", options: REGIONS },
  { name: "log_destinations", options: ["cloudwatch", "datadog", "splunk", "s3"] },
  { name: "features", options: ["tracing", "metrics", "profiling", "canary", "feature-flags"] },
  { name: "backup_days", options: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] },
  { name: "access_groups", options: ["developers", "sre", "data-analysts", "auditors", "support"] },
];
const HELP_TEXTS = [
  "Shown to requesters in the order form",
  "Ask the owner team if unsure",
  "Changing this later needs a new request",
  "Applies to every environment",
  "Leave empty to use the platform default",
  "Must follow the naming standard",
  "Used for cost allocation",
  "Checked by the security review",
];
const SENTENCES = [
  "Page the owning team first, then check the dashboard.",
  "Needed for the quarterly access review.",
  "Restart the service if health checks fail twice in a row.",
  "Overrides are applied after the platform defaults.",
  "Roll back by re-running the previous release.",
];

// ---------------------------------------------------------------------------------------------------------------
// Definitions as plain data

type Scalar = string | number | boolean;
type Value = Scalar | Value[] | { [key: string]: Value | undefined };
type Obj = { [key: string]: Value | undefined };

interface GenField extends Obj {
  name: string;
  type: string;
}

interface Executors {
  /** GitHubWorkflow executors a template may name. */
  githubWorkflows: string[];
}

function fieldNamer(): (name: string) => string {
  const used = new Set<string>();
  return (name) => {
    let candidate = name;
    for (let n = 2; used.has(candidate); n++) candidate = `${name}_${n}`;
    used.add(candidate);
    return candidate;
  };
}

const FIELD_TYPES = ["string", "integer", "number", "boolean", "date", "datetime", "time", "selection", "multiselect", "percentage", "textarea"] as const;
type FieldType = (typeof FIELD_TYPES)[number];

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** One field of the given type, valid on its own (defaults satisfy bounds, lengths and regexp). */
function makeField(rng: Rng, type: FieldType, uniqueName: (n: string) => string): GenField {
  const f: GenField = { name: "", type };
  switch (type) {
    case "string": {
      if (rng.chance(0.7)) {
        const p = rng.pick(REGEXP_POOL);
        f.name = uniqueName(rng.pick(p.names));
        f.required = rng.chance(0.6) ? true : undefined;
        if (rng.chance(0.5)) f.min_length = rng.int(1, Math.min(3, p.example.length));
        if (rng.chance(0.7)) f.max_length = p.example.length + rng.int(0, 60);
        f.regexp = p.pattern;
        if (!f.required && rng.chance(0.4)) f.default = p.example;
      } else {
        f.name = uniqueName(rng.pick(FREE_STRING_NAMES));
        const value = rng.pick(FREE_STRING_VALUES);
        if (rng.chance(0.4)) f.min_length = rng.int(0, 3);
        f.max_length = Math.max(value.length, rng.int(20, 200));
        if (rng.chance(0.4)) f.default = value;
      }
      break;
    }
    case "textarea": {
      f.name = uniqueName(rng.pick(TEXTAREA_NAMES));
      if (rng.chance(0.3)) f.min_length = rng.int(0, 20);
      f.max_length = rng.int(200, 8000);
      if (rng.chance(0.3)) f.default = rng.pick(SENTENCES);
      break;
    }
    case "integer": {
      const spec = rng.pick(INTEGER_FIELDS);
      f.name = uniqueName(spec.name);
      const lo = rng.int(spec.lo, Math.max(spec.lo, Math.floor(spec.lo + (spec.hi - spec.lo) / 4)));
      const hi = rng.int(lo + 1, spec.hi + 1);
      if (rng.chance(0.9)) f.min_value = lo;
      if (rng.chance(0.7)) f.max_value = hi;
      if (rng.chance(0.7)) f.default = rng.int(lo, hi);
      break;
    }
    case "number": {
      const spec = rng.pick(NUMBER_FIELDS);
      f.name = uniqueName(spec.name);
      const lo = round2(spec.lo + rng.next() * (spec.hi - spec.lo) * 0.2);
      const hi = round2(lo + 0.5 + rng.next() * (spec.hi - lo));
      if (rng.chance(0.8)) f.min_value = lo;
      if (rng.chance(0.6)) f.max_value = hi;
      if (rng.chance(0.6)) f.default = round2(lo + rng.next() * (hi - lo));
      break;
    }
    case "percentage": {
      f.name = uniqueName(rng.pick(PERCENTAGE_NAMES));
      const lo = rng.int(0, 40);
      const hi = rng.int(lo + 1, 100);
      if (rng.chance(0.5)) f.min_value = lo;
      if (rng.chance(0.5)) f.max_value = hi;
      if (rng.chance(0.7)) f.default = rng.chance(0.5) ? rng.int(lo, hi) : round2(lo + rng.next() * (hi - lo));
      break;
    }
    case "boolean": {
      f.name = uniqueName(rng.pick(BOOLEAN_NAMES));
      if (rng.chance(0.8)) f.default = rng.chance(0.5);
      break;
    }
    case "date": {
      f.name = uniqueName(rng.pick(DATE_NAMES));
      if (rng.chance(0.3)) f.default = `${rng.int(2024, 2027)}-${pad2(rng.int(1, 12))}-${pad2(rng.int(1, 28))}`;
      break;
    }
    case "datetime": {
      f.name = uniqueName(rng.pick(DATETIME_NAMES));
      if (rng.chance(0.3)) {
        const zone = rng.pick(["Z", "+00:00", "-05:00", "+02:00", "+09:30"]);
        f.default = `${rng.int(2024, 2027)}-${pad2(rng.int(1, 12))}-${pad2(rng.int(1, 28))}T${pad2(rng.int(0, 23))}:${pad2(rng.int(0, 59))}:00${zone}`;
      }
      break;
    }
    case "time": {
      f.name = uniqueName(rng.pick(TIME_NAMES));
      if (rng.chance(0.5)) f.default = rng.chance(0.7) ? `${pad2(rng.int(0, 23))}:${pad2(rng.int(0, 59))}` : `${pad2(rng.int(0, 23))}:${pad2(rng.int(0, 59))}:${pad2(rng.int(0, 59))}`;
      break;
    }
    case "selection": {
      const spec = rng.pick(SELECTIONS);
      f.name = uniqueName(spec.name);
      const oneof = rng.sample(spec.options, rng.int(2, spec.options.length));
      f.oneof = oneof;
      if (rng.chance(0.6)) f.default = rng.pick(oneof);
      else if (rng.chance(0.5)) f.required = true;
      break;
    }
    case "multiselect": {
      const spec = rng.pick(MULTISELECTS);
      f.name = uniqueName(spec.name);
      const oneof = rng.sample(spec.options, rng.int(3, spec.options.length));
      f.oneof = oneof;
      const chosen = rng.chance(0.6) ? rng.sample(oneof, rng.int(1, 2)) : undefined;
      const minLength = rng.chance(0.5) ? rng.int(0, chosen ? chosen.length : 1) : undefined;
      if (minLength !== undefined) f.min_length = minLength;
      if (rng.chance(0.5)) f.max_length = rng.int(Math.max(chosen?.length ?? 1, minLength ?? 1), oneof.length);
      if (chosen) f.default = chosen;
      break;
    }
  }
  if (rng.chance(0.8)) f.help_text = rng.pick(HELP_TEXTS);
  if (f.default !== undefined && rng.chance(0.05)) {
    f.readonly = true;
    f.hidden = true;
  }
  return orderField(f);
}

/** Keys in the order people write them: name, type, required, constraints, default, conditional, help. */
function orderField(f: GenField): GenField {
  const order = ["name", "type", "required", "min_length", "max_length", "regexp", "min_value", "max_value", "oneof", "default", "readonly", "hidden", "conditional", "help_text"];
  const out: GenField = { name: f.name, type: f.type };
  for (const k of order) if (f[k] !== undefined) out[k] = f[k];
  return out;
}

/** 3..8 fields over the 11 types (the first is an identifying string), some conditional on an earlier field. */
function makeFields(rng: Rng, min: number, max: number, uniqueName = fieldNamer()): GenField[] {
  const count = rng.int(min, max);
  const fields: GenField[] = [];
  for (let i = 0; i < count; i++) {
    const type: FieldType = i === 0 ? "string" : rng.pick(FIELD_TYPES);
    const field = makeField(rng, type, uniqueName);
    const controllers = fields.filter((f) => (f.type === "boolean" || f.type === "selection") && f.conditional === undefined);
    if (i > 0 && controllers.length > 0 && rng.chance(0.15)) {
      const c = rng.pick(controllers);
      field.conditional = { field: c.name, value: c.type === "boolean" ? true : rng.pick(c.oneof as Scalar[]) };
      delete field.readonly;
      delete field.hidden;
      fields.push(orderField(field));
    } else fields.push(field);
  }
  return fields;
}

/** A Handlebars expression that reads `f`, in the way people write it for the field's type. */
function expression(rng: Rng, f: GenField): string {
  const n = f.name;
  if (f.conditional !== undefined) return `{{#if ${n}}}{{ ${n} }}{{/if}}`;
  switch (f.type) {
    case "multiselect":
      return rng.chance(0.7) ? `{{ join ${n} ',' }}` : `{{#each ${n}}}{{this}};{{/each}}`;
    case "boolean":
      return rng.chance(0.5) ? `{{ ${n} }}` : `{{#if ${n}}}enabled{{else}}disabled{{/if}}`;
    case "textarea":
      return `{{ json ${n} }}`;
    case "selection":
      return rng.chance(0.2) ? `{{#if (eq ${n} '${String((f.oneof as Scalar[])[0])}')}}primary{{else}}{{ ${n} }}{{/if}}` : `{{ ${n} }}`;
    case "string":
      if (f.required !== true && f.default === undefined) return `{{ default ${n} 'none' }}`;
      return rng.chance(0.25) ? `{{ lower ${n} }}` : `{{ ${n} }}`;
    default:
      return f.required !== true && f.default === undefined && rng.chance(0.5) ? `{{ default ${n} 'unset' }}` : `{{ ${n} }}`;
  }
}

/** A mapping of template variables over some of the fields. */
function variables(rng: Rng, fields: readonly GenField[], names: readonly string[] = []): Obj {
  const out: Obj = {};
  const chosen = rng.sample(fields, rng.int(1, Math.min(6, fields.length)));
  for (const f of chosen) out[f.name] = expression(rng, f);
  for (const extra of names) out[extra] = `{{ ${extra} }}`;
  if (chosen.length >= 2 && rng.chance(0.3)) out["display"] = `{{ ${chosen[0]!.name} }}-{{ ${chosen[1]!.name} }}`;
  return out;
}

const ACTION_TYPES = ["TerraformFile", "HttpPost", "HttpPut", "GitHubWorkflow", "JiraTicket"] as const;

interface ActionContext {
  rng: Rng;
  noun: Noun;
  fields: readonly GenField[];
  /** Names templates may read besides the fields (an update's required parameters). */
  extra?: readonly string[];
  executors: Executors;
}

function makeActions(ctx: ActionContext, min: number, max: number): Obj[] {
  const { rng, noun, fields } = ctx;
  const count = rng.int(min, max);
  const actions: Obj[] = [];
  const used = new Set<string>();
  const first = fields[0]!.name;
  for (let i = 0; i < count; i++) {
    const type = i === 0 ? rng.pick(["TerraformFile", "TerraformFile", "HttpPut", "GitHubWorkflow", "JiraTicket"] as const) : rng.pick(ACTION_TYPES);
    const base = noun.slug.replace(/-/g, "_");
    let name = {
      TerraformFile: `provision_${base}`,
      HttpPost: rng.pick(["register_in_cmdb", "notify_owners", "create_dashboard", "open_change_record"]),
      HttpPut: rng.pick(["configure_access", "update_inventory", `configure_${base}`]),
      GitHubWorkflow: rng.pick(["run_smoke_tests", "seed_data", "rotate_credentials", "publish_docs"]),
      JiraTicket: rng.pick(["request_review", "request_firewall_change", "hand_over_to_owner"]),
    }[type];
    for (let n = 2; used.has(name); n++) name = `${name.replace(/_\d+$/, "")}_${n}`;
    used.add(name);
    const action: Obj = { name, type };
    if (rng.chance(0.2)) action["description"] = `${type === "JiraTicket" ? "Manual step" : "Automated step"} for the ${noun.label}`;
    if (i > 0 && rng.chance(0.6)) {
      const earlier = actions.map((a) => a["name"] as string);
      action["depends_on"] = rng.chance(0.7) ? [earlier[earlier.length - 1]!] : rng.sample(earlier, rng.int(1, earlier.length));
    }
    const vars = variables(rng, fields, ctx.extra && ctx.extra.length > 0 && rng.chance(0.7) ? ctx.extra : []);
    switch (type) {
      case "TerraformFile":
        action["template"] = { module_source: `./modules/${noun.module}`, variables: vars };
        if (rng.chance(0.5)) {
          action["verification"] = {
            type: "terraform_state",
            expected: rng.chance(0.5) ? { required_outputs: rng.sample(["id", "arn", "endpoint", "url", "name"], rng.int(1, 2)) } : { resource_count: rng.int(1, 12) },
          };
        }
        break;
      case "HttpPost":
        action["template"] = { url: `https://${rng.pick(["cmdb", "inventory", "hooks", "itsm"])}.example.com/api/${noun.slug}s`, body: vars };
        if (rng.chance(0.6)) action["verification"] = { type: "http_status", expected: rng.pick(["201", 200, 202]) };
        break;
      case "HttpPut":
        action["template"] = {
          url: `https://${rng.pick(["admin", "config", "inventory"])}.example.com/api/${noun.slug}s/{{ ${first} }}`,
          headers: { "X-Request-Source": "pao" },
          body: vars,
        };
        if (rng.chance(0.6)) action["verification"] = { type: "http_status", expected: 200 };
        break;
      case "GitHubWorkflow":
        action["template"] = { workflow: rng.pick(ctx.executors.githubWorkflows), inputs: vars };
        if (rng.chance(0.3)) action["verification"] = { type: "outputs", expected: { required: ["result"] } };
        break;
      case "JiraTicket": {
        const f = rng.pick(fields);
        action["template"] = {
          project: rng.pick(["PLAT", "NET", "DATA", "SEC", "OPS"]),
          issue_type: rng.pick(["Service Request", "Task", "Change"]),
          summary: `Set up ${noun.label} {{ ${first} }}`,
          description: `Requested values: ${expression(rng, f)}. Details: ${Object.values(vars).join(" ")}`,
        };
        break;
      }
    }
    if (rng.chance(0.15)) action["retry_policy"] = retryPolicy(rng);
    actions.push(action);
  }
  return actions;
}

function retryPolicy(rng: Rng): Obj {
  return {
    max_attempts: rng.int(1, 5),
    backoff_strategy: rng.pick(["exponential", "linear", "fixed"]),
    initial_delay: rng.chance(0.8) ? rng.pick(["10s", "30s", "1m", "5m", "1m30s"]) : undefined,
  };
}

function version(rng: Rng): { text: string; major: number; minor: number; patch: number; prerelease: boolean } {
  const major = rng.int(0, 6);
  const minor = rng.int(0, 12);
  const patch = rng.int(0, 20);
  const prerelease = rng.chance(0.04);
  return { text: `${major}.${minor}.${patch}${prerelease ? `-beta.${rng.int(1, 5)}` : ""}`, major, minor, patch, prerelease };
}

/** A range that the given (release) version satisfies, in the forms the catalog uses. */
function rangeFor(rng: Rng, v: { major: number; minor: number }): string {
  // ^0.x and ^0.0.x are narrower than people expect; catalogs write explicit ranges for 0.x items.
  if (v.major === 0) return rng.chance(0.5) ? `>=0.${v.minor}.0` : `>=0.${v.minor}.0, <1.0.0`;
  switch (rng.int(0, 3)) {
    case 0:
      return `>=${v.major}.0.0`;
    case 1:
      return `>=${v.major}.${v.minor}.0, <${v.major + 1}.0.0`;
    case 2:
      return `^${v.major}.${v.minor}.0`;
    default:
      return `>=${v.major}.0.0 <${v.major + 1}.0.0`;
  }
}

interface GeneratedItem {
  name: string;
  path: string;
  version: ReturnType<typeof version>;
  fields: GenField[];
  noun: Noun;
  category: Category;
}

// ---------------------------------------------------------------------------------------------------------------
// YAML text

const PLAIN = /^[A-Za-z0-9_./][A-Za-z0-9 _./()@%+-]*$/;
/** What YAML 1.2's core schema reads as something other than a string (and the 1.1 booleans, to be kind to readers). */
const NOT_A_STRING = /^(?:true|false|null|yes|no|on|off|y|n|~|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-f]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:e[-+]?[0-9]+)?|[-+]?\.inf|\.nan)$/i;

/** A scalar as YAML 1.2 text: plain when it cannot be misread (1.2.0, 30s, ./modules/x), double-quoted (JSON escapes) otherwise. */
export function yamlScalar(v: Scalar): string {
  if (typeof v !== "string") return String(v);
  if (PLAIN.test(v) && !v.endsWith(" ") && !NOT_A_STRING.test(v)) return v;
  return JSON.stringify(v);
}

function isScalar(v: unknown): v is Scalar {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

/** Block mappings and sequences; short lists of scalars in flow style ([a, b]), as people write them. */
function emitMapping(obj: Obj, indent: number, out: string[]): void {
  const pad = " ".repeat(indent);
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    const k = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key);
    if (isScalar(value)) out.push(`${pad}${k}: ${yamlScalar(value)}`);
    else if (Array.isArray(value)) {
      if (value.length === 0) out.push(`${pad}${k}: []`);
      else if (value.every(isScalar) && value.length <= 8) out.push(`${pad}${k}: [${value.map(yamlScalar).join(", ")}]`);
      else {
        out.push(`${pad}${k}:`);
        for (const item of value) {
          if (isScalar(item)) out.push(`${pad}  - ${yamlScalar(item)}`);
          else if (Array.isArray(item)) throw new Error("nested sequences are not generated");
          else {
            const start = out.length;
            emitMapping(item, indent + 4, out);
            out[start] = `${pad}  - ${out[start]!.slice(indent + 4)}`;
          }
        }
      }
    } else if (Object.values(value).every((v) => v === undefined)) out.push(`${pad}${k}: {}`);
    else {
      out.push(`${pad}${k}:`);
      emitMapping(value, indent + 2, out);
    }
  }
}

function toYaml(schema: string, obj: Obj): string {
  const out = [`# yaml-language-server: $schema=../../schemas/${schema}.schema.json`];
  emitMapping(obj, 0, out);
  return out.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------------------------
// Executor workflows

/** A GitHubWorkflow executor that keeps the contract: exactly pao_step and pao_payload, inputs only through env. */
function executorWorkflowText(name: string, script: string): string {
  return `# Executor for GitHubWorkflow steps that run ${name}. Takes pao_step and pao_payload like every executor.
name: ${name}
run-name: pao \${{ inputs.pao_step }}
on:
  workflow_dispatch:
    inputs:
      pao_step:
        description: request_id/step_id/attempt
        required: true
        type: string
      pao_payload:
        description: Rendered inputs (JSON)
        required: true
        type: string
permissions:
  contents: read
jobs:
  run:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
      - name: ${name}
        env:
          PAO_PAYLOAD: \${{ inputs.pao_payload }}
        run: |
          ${script}
`;
}

/** Stand-ins for the default executors of TerraformFile and HttpPost/HttpPut, used when they are not given. */
const DEFAULT_EXECUTORS: ReadonlyArray<{ file: string; script: string }> = [
  { file: "pao-terraform.yml", script: `jq . <<<"$PAO_PAYLOAD" > call.json && ./scripts/terraform-apply.sh call.json` },
  { file: "pao-http.yml", script: `curl --fail -X "$(jq -r '.method' <<<"$PAO_PAYLOAD")" "$(jq -r '.url' <<<"$PAO_PAYLOAD")"` },
];

const GENERATED_WORKFLOWS: ReadonlyArray<{ file: string; script: string }> = [
  { file: "run-smoke-tests.yml", script: `./scripts/smoke.sh "$(jq -r '.app_name // .service_name // "all"' <<<"$PAO_PAYLOAD")"` },
  { file: "seed-data.yml", script: `jq . <<<"$PAO_PAYLOAD" > seed.json && ./scripts/seed.sh seed.json` },
  { file: "rotate-credentials.yml", script: `./scripts/rotate.sh <<<"$PAO_PAYLOAD"` },
  { file: "publish-docs.yml", script: `jq -r '.display // "docs"' <<<"$PAO_PAYLOAD" | ./scripts/publish-docs.sh` },
];

const REPO_ROOT = resolve(import.meta.dirname, "..");

/** This repository's .github/workflows files (executors and others, as a real repository has) and .github/pao.yml, read from disk. */
export function repoGithubFiles(root: string = REPO_ROOT): SourceFile[] {
  const dir = join(root, ".github", "workflows");
  const files: SourceFile[] = readdirSync(dir)
    .filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"))
    .sort()
    .map((f) => ({ path: `.github/workflows/${f}`, text: readFileSync(join(dir, f), "utf8") }));
  files.push({ path: ".github/pao.yml", text: readFileSync(join(root, ".github", "pao.yml"), "utf8") });
  return files;
}

// ---------------------------------------------------------------------------------------------------------------
// The catalog

export function generateCatalog(options: GenerateOptions): GeneratedCatalog {
  const rng = new Rng(options.seed ?? 1);
  const n = options.items;
  const bundleCount = options.bundles ?? Math.max(1, Math.round(n / 50));
  const updateItemCount = options.updateItems ?? Math.max(1, Math.round(n / 50));
  const updateOperationCount = options.updateOperations ?? Math.max(1, Math.round(n / 100));

  const files: SourceFile[] = [];
  const workflowFiles = [...(options.workflows ?? repoGithubFiles())];
  for (const w of DEFAULT_EXECUTORS) {
    if (!workflowFiles.some((f) => f.path === `.github/workflows/${w.file}`)) {
      workflowFiles.push({ path: `.github/workflows/${w.file}`, text: executorWorkflowText(w.file.replace(/\.yml$/, ""), w.script) });
    }
  }
  for (const w of GENERATED_WORKFLOWS) workflowFiles.push({ path: `.github/workflows/${w.file}`, text: executorWorkflowText(w.file.replace(/\.yml$/, ""), w.script) });
  // GitHubWorkflow actions may name any executor workflow (one that takes pao_step and pao_payload) except the
  // default executors of the other types; the repository's other workflows (CI and the like) are included as files
  // but never named.
  const githubWorkflows = workflowFiles
    .filter((f) => f.path.startsWith(".github/workflows/") && !/pao-(terraform|http)\.ya?ml$/.test(f.path))
    .filter((f) => /^\s+pao_step:/m.test(f.text) && /^\s+pao_payload:/m.test(f.text))
    .map((f) => f.path.slice(".github/workflows/".length));
  const executors: Executors = { githubWorkflows };
  const counts = { items: 0, bundles: 0, updateItems: 0, updateOperations: 0, workflows: 0, fields: 0, actions: 0, templates: 0, files: 0, bytes: 0 };
  const countTemplates = (v: unknown): number =>
    typeof v === "string" ? (v.includes("{{") ? 1 : 0) : Array.isArray(v) ? v.reduce((s: number, x) => s + countTemplates(x), 0) : typeof v === "object" && v !== null ? Object.values(v).reduce((s: number, x) => s + countTemplates(x), 0) : 0;

  const names = new Set<string>();
  const descriptions = new Set<string>();
  const unique = (set: Set<string>, candidate: string, extra: () => string): string => {
    let out = candidate;
    while (set.has(out)) out = `${candidate}${extra()}`;
    set.add(out);
    return out;
  };

  const items: GeneratedItem[] = [];
  for (let i = 0; i < n; i++) {
    const category = rng.pick(CATEGORIES);
    const noun = rng.pick(NOUNS[category]);
    const name = unique(names, `${rng.pick(QUALIFIERS)}-${noun.slug}-${i.toString(36).padStart(3, "0")}`, () => `-${rng.int(0, 9)}`);
    const description = unique(
      descriptions,
      `${rng.pick(ADJECTIVES)} ${noun.label} ${rng.pick(FEATURES)} for ${rng.pick(AUDIENCES)} in ${rng.pick(REGIONS)}`,
      () => ` (variant ${rng.int(2, 999)})`,
    );
    const v = version(rng);
    const owner = rng.pick(TEAMS);
    const fields = makeFields(rng, 3, 8);
    const actions = makeActions({ rng, noun, fields, executors }, 1, 3);
    const body: Obj = {
      kind: "CatalogItem",
      name,
      version: v.text,
      description,
      owner,
      tags: [...new Set([...rng.sample(CATEGORY_TAGS[category], rng.int(1, 3)), ...(rng.chance(0.3) ? [rng.pick(GENERIC_TAGS)] : [])])],
      approval: rng.chance(0.2) ? { required: true, teams: [`acme/${owner}`] } : undefined,
      presentation: { fields },
      fulfillment: {
        execution_mode: rng.chance(0.1) ? "automation" : undefined,
        retry_policy: rng.chance(0.5) ? retryPolicy(rng) : undefined,
        manual_fallback: rng.chance(0.1) ? { enabled: true, trigger_on_failure: rng.chance(0.5) } : undefined,
        actions,
      },
    };
    const path = `catalog/${category}/${name}.yaml`;
    files.push({ path, text: toYaml("catalog-item", body) });
    items.push({ name, path, version: v, fields, noun, category });
    counts.items++;
    counts.fields += fields.length;
    counts.actions += actions.length;
    counts.templates += countTemplates(actions);
  }

  const releases = items.filter((it) => !it.version.prerelease);
  const pickItems = (k: number): GeneratedItem[] => {
    const chosen = new Map<string, GeneratedItem>();
    while (chosen.size < Math.min(k, releases.length)) {
      const it = rng.pick(releases);
      chosen.set(it.name, it);
    }
    return [...chosen.values()];
  };

  for (let b = 0; b < bundleCount; b++) {
    const theme = rng.pick(["web-app", "data-pipeline", "event-driven-service", "ml-training", "internal-tool", "public-api", "batch-platform", "static-site"]);
    const name = unique(names, `${theme}-stack-${b.toString(36).padStart(2, "0")}`, () => `-${rng.int(0, 9)}`);
    const owner = rng.pick(TEAMS);
    const bundleFields = makeFields(rng, 1, 3);
    bundleFields[0] = orderField({ ...bundleFields[0]!, name: "solution_name", required: true, regexp: "^[a-z][a-z0-9-]*$", max_length: 40, min_length: undefined, default: undefined, readonly: undefined, hidden: undefined });
    const entry = (it: GeneratedItem): Obj => {
      const parameters: Obj = {};
      const strings = it.fields.filter((f) => f.type === "string" && f.regexp === undefined);
      if (strings.length > 0 && rng.chance(0.6)) parameters[strings[0]!.name] = `{{ solution_name }}-${it.noun.slug.split("-")[0]}`;
      for (const f of rng.sample(it.fields.filter((f) => f.default !== undefined), rng.int(0, 2))) parameters[f.name] = f.default as Value;
      return {
        catalog_item: it.name,
        version: rangeFor(rng, it.version),
        parameters: Object.keys(parameters).length > 0 ? parameters : undefined,
      };
    };
    const chosen = pickItems(rng.int(2, 6));
    const required = chosen.slice(0, Math.max(1, chosen.length - rng.int(0, 2)));
    const optional = chosen.slice(required.length);
    const body: Obj = {
      kind: "CatalogBundle",
      name,
      version: version(rng).text.replace(/-beta\.\d+$/, ""),
      description: unique(descriptions, `Complete ${theme.replace(/-/g, " ")} stack for ${rng.pick(AUDIENCES)}`, () => ` (variant ${rng.int(2, 999)})`),
      owner,
      tags: [theme, "solution", ...(rng.chance(0.3) ? ["full-stack"] : [])],
      bundle: {
        required_items: required.map(entry),
        optional_items: optional.length > 0 ? optional.map((it) => ({ ...entry(it), default_enabled: rng.chance(0.5) })) : undefined,
      },
      presentation: { bundle_fields: bundleFields },
    };
    files.push({ path: `catalog/bundles/${name}.yaml`, text: toYaml("catalog-bundle", body) });
    counts.bundles++;
    counts.fields += bundleFields.length;
  }

  const updates = (kind: "UpdateItem" | "UpdateOperation", count: number) => {
    for (let u = 0; u < count; u++) {
      const targets = pickItems(rng.chance(0.85) ? 1 : 2);
      const t0 = targets[0]!;
      const verb = kind === "UpdateItem" ? rng.pick(["major-upgrade", "migration", "engine-upgrade", "replatform"]) : rng.pick(["scale-update", "resize", "tune", "rotate-keys"]);
      const name = unique(names, `${t0.noun.slug}-${verb}-${u.toString(36).padStart(2, "0")}`, () => `-${rng.int(0, 9)}`);
      const required = [...new Set(targets.flatMap((t) => rng.sample(t.fields.map((f) => f.name), rng.int(1, 2))))].filter((p) =>
        targets.every((t) => t.fields.some((f) => f.name === p)),
      );
      const uniqueName = fieldNamer();
      for (const p of required) uniqueName(p); // an update's own fields must not shadow the parameters it reads
      const fields = makeFields(rng, 1, 4, uniqueName);
      const steps = makeActions({ rng, noun: t0.noun, fields, extra: required, executors }, 1, 3);
      const manual = rng.chance(0.6)
        ? {
            system: rng.pick(["jira", "github"]),
            template: {
              project: rng.pick(["PLATFORM", "DATA", "OPS"]),
              issue_type: kind === "UpdateItem" ? "Major Upgrade" : "Service Update",
              priority: rng.pick(["High", "Medium", "Low"]),
              summary: `${verb.replace(/-/g, " ")} of ${required.length > 0 ? `{{ ${required[0]} }}` : t0.noun.label} with ${expression(rng, fields[0]!)}`,
            },
          }
        : undefined;
      const body: Obj = {
        kind,
        name,
        version: version(rng).text.replace(/-beta\.\d+$/, ""),
        description: unique(descriptions, `${capitalize(verb.replace(/-/g, " "))} for ${targets.map((t) => t.name).join(" and ")}`, () => ` (variant ${rng.int(2, 999)})`),
        owner: rng.pick(TEAMS),
        tags: [t0.category, kind === "UpdateItem" ? "upgrade" : "update"],
        targets: {
          catalog_items: targets.map((t) => ({ name: t.name, version_range: rangeFor(rng, t.version), required_parameters: required.length > 0 ? required : undefined })),
          destructive: rng.chance(0.3),
          downtime_required: rng.chance(0.3),
          estimated_duration: rng.pick(["15m", "45m", "1h", "1h30m", "2h"]),
        },
        presentation: { fields },
        fulfillment: {
          manual,
          automation:
            manual === undefined || rng.chance(0.6)
              ? { pre_execution_checks: rng.chance(0.5) ? ["check_backup_status", "validate_maintenance_window"] : undefined, steps }
              : undefined,
        },
      };
      const folder = kind === "UpdateItem" ? "update-items" : "update-operations";
      files.push({ path: `catalog/${folder}/${name}.yaml`, text: toYaml(kind === "UpdateItem" ? "update-item" : "update-operation", body) });
      if (kind === "UpdateItem") counts.updateItems++;
      else counts.updateOperations++;
      counts.fields += fields.length;
      counts.actions += steps.length;
    }
  };
  updates("UpdateItem", updateItemCount);
  updates("UpdateOperation", updateOperationCount);

  files.push(...workflowFiles);
  counts.workflows = workflowFiles.filter((f) => f.path.startsWith(".github/workflows/")).length;
  counts.files = files.length;
  counts.bytes = files.reduce((s, f) => s + Buffer.byteLength(f.text, "utf8"), 0);
  return { files, itemPaths: items.map((it) => it.path), counts };
}

/** The file with its description rewritten (a one-line edit, as a person would make it). */
export function editDescription(file: SourceFile, tag: string): SourceFile {
  const text = file.text.replace(/^description: (.*)$/m, (_line, old: string) => {
    const current = old.startsWith('"') ? (JSON.parse(old) as string) : old;
    return `description: ${yamlScalar(`${current.replace(/ \(rev [^)]*\)$/, "")} (rev ${tag})`)}`;
  });
  if (text === file.text) throw new Error(`${file.path} has no description line to edit`);
  return { path: file.path, text };
}
