/**
 * TypeScript mirror of the tables created by ../../migrations/*.sql, for Kysely. Keep it in step with the
 * migrations (a test compares the two). Only repositories (`*.repo.ts`) use these types to talk SQL.
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

export interface JurisdictionsTable {
  id: string;
  name_zh: string;
  name_en: string;
  division_code: string;
  timezone: Generated<string>;
  created_at: GeneratedTimestamp;
}

export interface DivisionsTable {
  jurisdiction_id: string;
  code: string;
  parent_code: string | null;
  level: 'province' | 'city' | 'district' | 'street' | 'community';
  name_zh: string;
  name_en: string | null;
  /** Hex EWKB on read; write through ST_* expressions. */
  boundary: string | null;
}

export interface DepartmentsTable {
  id: Generated<string>;
  jurisdiction_id: string;
  parent_id: string | null;
  path: string;
  code: string;
  kind: 'government' | 'district' | 'street' | 'community' | 'functional' | 'unit';
  name_zh: string;
  name_en: string;
  division_code: string | null;
  active: Generated<boolean>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface UsersTable {
  id: Generated<string>;
  jurisdiction_id: string;
  username: string;
  display_name: string;
  department_id: string | null;
  password_hash: string;
  status: Generated<'active' | 'disabled'>;
  must_change_password: Generated<boolean>;
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  password_changed_at: GeneratedTimestamp;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface RoleGrantsTable {
  id: Generated<string>;
  jurisdiction_id: string;
  user_id: string;
  role: string;
  scope_kind: 'jurisdiction' | 'department' | 'grids' | 'self';
  department_id: string | null;
  grid_codes: ColumnType<string[], string[] | undefined, string[]>;
  created_at: GeneratedTimestamp;
}

export interface SessionsTable {
  id_hash: string;
  jurisdiction_id: string;
  user_id: string;
  created_at: GeneratedTimestamp;
  last_seen_at: GeneratedTimestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiKeysTable {
  id: Generated<string>;
  jurisdiction_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: ColumnType<string[], string[] | undefined, string[]>;
  created_by: string | null;
  created_at: GeneratedTimestamp;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface AuditLogTable {
  /** Write order; the cursor of lists. */
  id: Generated<number>;
  /** Position in the hash chain; null (with prev_hash and hash) until the chainer reaches the entry. */
  seq: number | null;
  at: Timestamp;
  jurisdiction_id: string | null;
  actor_kind: 'user' | 'api_key' | 'system' | 'anonymous';
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  ip: string | null;
  request_id: string | null;
  purpose: string | null;
  details: Json<Record<string, unknown>>;
  prev_hash: string | null;
  hash: string | null;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface EventsTable {
  id: Generated<number>;
  jurisdiction_id: string | null;
  name: string;
  payload: Json<Record<string, unknown>>;
  created_at: GeneratedTimestamp;
}

export interface JobsTable {
  id: Generated<number>;
  jurisdiction_id: string | null;
  kind: 'event' | 'timer';
  handler: string;
  event_id: number | null;
  payload: Json<Record<string, unknown>>;
  dedupe_key: string | null;
  run_at: GeneratedTimestamp;
  status: Generated<'pending' | 'running' | 'done' | 'failed' | 'cancelled'>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  locked_by: string | null;
  locked_until: Timestamp | null;
  last_error: string | null;
  created_at: GeneratedTimestamp;
  finished_at: Timestamp | null;
}

export interface SchemaMigrationsTable {
  version: string;
  name: string;
  checksum: string;
  applied_at: GeneratedTimestamp;
}

export interface GridUnitsTable {
  jurisdiction_id: string;
  code: string;
  level: 'district' | 'street' | 'community';
  parent_code: string | null;
  name: string;
}

export interface GridsTable {
  id: Generated<string>;
  jurisdiction_id: string;
  code: string;
  community_code: string;
  name: string;
  /** Hex EWKB on read; write through ST_* expressions. */
  geom: string;
  geom_hash: string;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface GridInspectorsTable {
  jurisdiction_id: string;
  grid_id: string;
  user_id: string;
}

export interface GridDepartmentsTable {
  jurisdiction_id: string;
  grid_id: string;
  department_id: string;
}

export interface GridLayersTable {
  jurisdiction_id: string;
  version: Generated<number>;
  updated_at: GeneratedTimestamp;
}

export interface EvaluationSystemsTable {
  id: Generated<string>;
  jurisdiction_id: string;
  code: string;
  name_zh: string;
  name_en: string;
  created_at: GeneratedTimestamp;
}

export interface EvaluationSystemVersionsTable {
  id: Generated<string>;
  system_id: string;
  jurisdiction_id: string;
  version: number;
  status: 'draft' | 'published';
  tree: Json;
  settings: Json;
  created_at: GeneratedTimestamp;
  published_at: Timestamp | null;
}

export interface EvaluationDatasetsTable {
  id: Generated<string>;
  jurisdiction_id: string;
  name: string;
  synthetic: Generated<boolean>;
  indicator_codes: Json<string[]>;
  row_count: number;
  rejects: Json;
  created_at: GeneratedTimestamp;
  /** 'platform': built by the monthly self-evaluation (0021), with its entity kind and month. */
  source: Generated<'import' | 'platform'>;
  entity_kind: 'district' | 'department' | null;
  period: string | null;
}

export interface EvaluationDatasetRowsTable {
  dataset_id: string;
  entity_code: string;
  name: string;
  class: string | null;
  province: string | null;
  region: string | null;
  values: Json<Record<string, number>>;
}

export interface EvaluationRunsTable {
  id: Generated<string>;
  jurisdiction_id: string;
  system_version_id: string;
  dataset_id: string;
  previous_run_id: string | null;
  settings: Json;
  summary: Json;
  sensitivity: Json | null;
  created_at: GeneratedTimestamp;
}

export interface EvaluationResultsTable {
  run_id: string;
  entity_code: string;
  name: string;
  class: string | null;
  province: string | null;
  region: string | null;
  total: number | null;
  rank: number;
  tier: string | null;
  coverage: number;
  node_scores: Json<Record<string, number | null>>;
  flags: Json;
}

export interface ComponentClassesTable {
  jurisdiction_id: string;
  code: string;
  parent_code: string | null;
  name_zh: string;
  name_en: string | null;
  source: 'standard' | 'local';
  created_at: GeneratedTimestamp;
}

export interface ComponentsTable {
  id: Generated<string>;
  jurisdiction_id: string;
  code: string;
  county_code: string;
  class_code: string;
  name: string | null;
  /** Hex EWKB on read; write through ST_* expressions. */
  location: string;
  grid_code: string | null;
  owner_department_id: string | null;
  status: Generated<'normal' | 'damaged' | 'missing' | 'under_repair'>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface ComponentHistoryTable {
  id: Generated<number>;
  jurisdiction_id: string;
  component_id: string;
  at: GeneratedTimestamp;
  action: 'create' | 'status';
  from_status: string | null;
  to_status: string;
  actor_name: string | null;
  note: string | null;
  work_order_id: string | null;
  work_order_code: string | null;
}

export interface ComponentSettingsTable {
  jurisdiction_id: string;
  link_distance_m: Generated<number>;
  updated_at: GeneratedTimestamp;
}

export interface ComponentOrdersTable {
  component_id: string;
  work_order_id: string;
  jurisdiction_id: string;
  order_code: string;
  problem: 'damaged' | 'missing';
  order_status: string;
  how: 'nearest' | 'recorded';
  distance_m: number | null;
  photos: Generated<string[]>;
  linked_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface UserPhonesTable {
  user_id: string;
  jurisdiction_id: string;
  phone_hmac: string;
  phone_enc: string;
  phone_last4: string;
  created_at: GeneratedTimestamp;
}

export interface PhoneCodesTable {
  id: Generated<string>;
  jurisdiction_id: string;
  phone_hmac: string;
  code_hmac: string;
  attempts: Generated<number>;
  expires_at: Timestamp;
  consumed_at: Timestamp | null;
  ip: string | null;
  created_at: GeneratedTimestamp;
}

export interface OutboundMessagesTable {
  id: Generated<string>;
  jurisdiction_id: string;
  channel: 'sms' | 'wechat' | 'email';
  purpose: string;
  recipient_enc: string;
  recipient_masked: string;
  body: string;
  status: Generated<'recorded' | 'queued' | 'sent' | 'failed'>;
  created_at: GeneratedTimestamp;
  subject: string | null;
  dedupe_key: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  provider_ref: string | null;
  sent_at: Timestamp | null;
}

export interface WorkOrderContactsTable {
  work_order_id: string;
  jurisdiction_id: string;
  wechat_openid_enc: string | null;
  email_enc: string | null;
  created_at: GeneratedTimestamp;
}

export interface WorkOrderSettingsTable {
  jurisdiction_id: string;
  ticket_prefix: string | null;
  updated_at: GeneratedTimestamp;
  sla: Json<unknown> | null;
  auto_dispatch: Generated<boolean>;
  auto_dispatch_confidence: Generated<number>;
  duplicate_radius_m: Generated<number>;
  duplicate_hours: Generated<number>;
  version: Generated<number>;
}

export interface WorkOrderCodeCountersTable {
  jurisdiction_id: string;
  /** 'YYYY-MM-DD' (date columns are read as text). */
  day: string;
  last_seq: number;
}

export interface WorkOrdersTable {
  id: Generated<string>;
  jurisdiction_id: string;
  code: string;
  channel: 'web' | 'mobile' | 'hotline' | 'inspector' | 'sensor' | 'open311' | 'sms' | 'wechat' | 'api' | 'import';
  request_type: 'enquiry' | 'help' | 'complaint' | 'report' | 'suggestion' | 'component' | 'event';
  category_code: string | null;
  title: string;
  description: string;
  /** Hex EWKB on read; write through ST_* expressions. */
  location: string | null;
  address: string | null;
  grid_code: string | null;
  district_code: string | null;
  reporter_name_enc: string | null;
  reporter_phone_enc: string | null;
  reporter_phone_last4: string | null;
  anonymous: Generated<boolean>;
  urgency: 'emergency' | 'urgent' | 'normal' | 'complex';
  status: Generated<string>;
  department_id: string | null;
  suspended_from: string | null;
  supervised: Generated<boolean>;
  extension: Json<{ state: 'requested' | 'approved' | 'denied'; days: number; reason: string }> | null;
  rating: 'satisfied' | 'basically' | 'unsatisfied' | null;
  /** 默认满意: the rating is the system's, given when nobody rated within the rating period (0087). */
  rating_default: Generated<boolean>;
  rework_count: Generated<number>;
  return_count: Generated<number>;
  reopen_count: Generated<number>;
  parent_id: string | null;
  sla_started_at: Timestamp;
  warn_at: Timestamp | null;
  due_at: Timestamp | null;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  reporter_user_id: string | null;
  reporter_phone_hmac: string | null;
  component_code: string | null;
  sla_pauses: ColumnType<Array<{ from: string; to: string | null }>, string | undefined, string>;
  warned: Generated<boolean>;
  overdue: Generated<boolean>;
  sign_due_at: Timestamp | null;
  sign_overdue: Generated<boolean>;
  dispatched_at: Timestamp | null;
  closed_at: Timestamp | null;
  search_text: Generated<string>;
  suggested_category: string | null;
  suggested_confidence: number | null;
  /** Imported orders (0071): where they came from and their id there; unique per jurisdiction and source. */
  import_source: string | null;
  external_id: string | null;
  /** The language the resident reported in, for the texts about their order; null: staff registered it (0090). */
  reporter_locale: 'zh-CN' | 'en' | null;
}

/** One run of `civicgrid import requests` and its checkpoint (0071). */
export interface WorkOrderImportsTable {
  id: Generated<string>;
  jurisdiction_id: string;
  source: string;
  format: string;
  file_name: string;
  file_hash: string;
  mapping_hash: string;
  file_bytes: number;
  status: Generated<'running' | 'completed'>;
  rows_done: Generated<number>;
  imported: Generated<number>;
  duplicates: Generated<number>;
  rejected: Generated<number>;
  started_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  finished_at: Timestamp | null;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  status: number;
  /** The first answer's JSON text, sent back as it is (migration 0089). */
  response: string;
  created_at: GeneratedTimestamp;
}

export interface WorkOrderTimelineTable {
  id: Generated<number>;
  jurisdiction_id: string;
  work_order_id: string;
  at: Timestamp;
  action: string;
  from_status: string | null;
  to_status: string;
  actor_id: string | null;
  actor_role: string | null;
  note: string | null;
  photos: ColumnType<string[], string | undefined, string>;
  data: ColumnType<Record<string, string | number>, string | undefined, string>;
}

export interface WorkOrderCategoriesTable {
  jurisdiction_id: string;
  code: string;
  parent_code: string | null;
  kind: 'component' | 'event' | 'hotline';
  name_zh: string;
  name_en: string | null;
  component_subclass: string | null;
  sort_order: Generated<number>;
  active: Generated<boolean>;
  source: 'standard' | 'local';
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface ResponsibilityRulesTable {
  id: Generated<string>;
  jurisdiction_id: string;
  category_prefix: string | null;
  district_code: string | null;
  grid_prefix: string | null;
  component_class_prefix: string | null;
  department_id: string;
  priority: Generated<number>;
  fallback: Generated<boolean>;
  active: Generated<boolean>;
  note: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface AttachmentsTable {
  id: Generated<string>;
  jurisdiction_id: string;
  sha256: string;
  content_type: 'image/jpeg' | 'image/png' | 'image/webp' | 'image/heic';
  size: number;
  width: number | null;
  height: number | null;
  storage_key: string;
  uploader_kind: 'user' | 'api_key' | 'public';
  uploaded_by: string | null;
  uploader_ip_hash: string | null;
  created_at: GeneratedTimestamp;
  work_order_id: string | null;
  timeline_entry_id: number | null;
  linked_at: Timestamp | null;
  thumb_key: string | null;
}

export interface KnowledgeArticlesTable {
  id: Generated<string>;
  jurisdiction_id: string;
  title: string;
  question: string;
  answer: string;
  category_code: string | null;
  agency: string | null;
  source: 'manual' | 'import' | 'mailbox';
  source_url: string | null;
  source_ref: string | null;
  status: Generated<'draft' | 'published' | 'archived'>;
  internal: Generated<boolean>;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  /** 'YYYY-MM-DD' (date columns are read as text). */
  valid_from: string | null;
  valid_to: string | null;
  version: Generated<number>;
  /** jieba-segmented words, space-separated, for to_tsvector('simple', …). */
  search_title: string;
  search_question: string;
  search_answer: string;
  /** Generated from the three search_* columns (weights A, B, C); never written. */
  search_vector: Generated<string>;
  use_count: Generated<number>;
  last_used_at: Timestamp | null;
  created_by_id: string | null;
  created_by: string | null;
  created_at: GeneratedTimestamp;
  updated_by_id: string | null;
  updated_by: string | null;
  updated_at: GeneratedTimestamp;
  published_at: Timestamp | null;
  /** Who wrote the current content and when (a status change sets only updated_*). */
  content_by_id: string | null;
  content_by: string | null;
  content_at: GeneratedTimestamp;
}

export interface KnowledgeArticleVersionsTable {
  article_id: string;
  version: number;
  jurisdiction_id: string;
  title: string;
  question: string;
  answer: string;
  category_code: string | null;
  agency: string | null;
  internal: boolean;
  tags: ColumnType<string[], string[], string[]>;
  valid_from: string | null;
  valid_to: string | null;
  edited_by_id: string | null;
  edited_by: string | null;
  edited_at: Timestamp;
  /** The article's status while this content was current; null for versions kept before migration 0086. */
  status: 'draft' | 'published' | 'archived' | null;
}

export interface WorkOrderClassifierModelsTable {
  id: Generated<string>;
  jurisdiction_id: string;
  version: number;
  kind: 'nb' | 'softmax';
  labels: Json<string[]>;
  model: Json<unknown>;
  metrics: Json<Record<string, unknown>>;
  trained_at: GeneratedTimestamp;
  active: Generated<boolean>;
  activated_at: Timestamp | null;
}

export interface Open311ServicesTable {
  jurisdiction_id: string;
  category_code: string;
  type: Generated<'realtime' | 'batch'>;
  description: string | null;
  keywords: string | null;
  service_notice: string | null;
  updated_at: GeneratedTimestamp;
}

export interface Open311AttributesTable {
  jurisdiction_id: string;
  category_code: string;
  code: string;
  variable: Generated<boolean>;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: Generated<boolean>;
  datatype_description: string | null;
  sort_order: number;
  description: string;
  values: ColumnType<Array<{ key: string; name: string }>, string | undefined, string>;
}

export interface Open311RequestsTable {
  work_order_id: string;
  jurisdiction_id: string;
  api_key_id: string;
  service_code: string;
  attributes: ColumnType<Record<string, string | string[]>, string | undefined, string>;
  media_urls: ColumnType<string[], string | undefined, string>;
  address_id: string | null;
  zipcode: string | null;
  device_id: string | null;
  account_id: string | null;
  reporter_email_enc: string | null;
  token: string | null;
  created_at: GeneratedTimestamp;
}

export interface Open311UpdatesTable {
  id: Generated<number>;
  jurisdiction_id: string;
  work_order_id: string;
  api_key_id: string;
  client_update_id: string;
  status: string;
  mapped_status: string | null;
  description: string;
  media_url: string | null;
  updated_datetime: Timestamp;
  reporter_name_enc: string | null;
  reporter_email_enc: string | null;
  created_at: GeneratedTimestamp;
}

export interface PerformanceSchemesTable {
  id: Generated<string>;
  jurisdiction_id: string;
  key: string;
  version: number;
  name_zh: string;
  name_en: string;
  definition: Json;
  is_default: Generated<boolean>;
  created_by: string | null;
  created_at: GeneratedTimestamp;
}

export interface FederationPeersTable {
  id: Generated<string>;
  jurisdiction_id: string;
  name: string;
  base_url: string;
  remote_jurisdiction_id: string | null;
  api_key_enc: string;
  format: Generated<'json' | 'xml'>;
  service_map: ColumnType<Record<string, string>, string | undefined, string>;
  default_service_code: string | null;
  send_personal_data: Generated<boolean>;
  active: Generated<boolean>;
  updates_since: Timestamp | null;
  last_polled_at: Timestamp | null;
  last_error: string | null;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface FederationTransfersTable {
  id: Generated<string>;
  jurisdiction_id: string;
  work_order_id: string;
  peer_id: string;
  service_code: string;
  state: Generated<'pending' | 'token' | 'sent' | 'done' | 'failed'>;
  idempotency_key: string;
  remote_id: string | null;
  remote_token: string | null;
  remote_status: string | null;
  remote_notes: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: GeneratedTimestamp;
  sent_at: Timestamp | null;
  updated_at: GeneratedTimestamp;
}

export interface FederationMirroredTable {
  transfer_id: string;
  remote_key: string;
  timeline_id: number | null;
  created_at: GeneratedTimestamp;
}

export interface InspectorTaskResultsTable {
  id: Generated<string>;
  jurisdiction_id: string;
  work_order_id: string;
  inspector_id: string;
  kind: 'verify' | 'check';
  outcome: 'confirmed' | 'not_real' | 'pass' | 'fail';
  timeline_entry_id: number;
  task_since: Timestamp;
  due_at: Timestamp;
  done_at: Timestamp;
  acted_at: Timestamp;
  /** Hex EWKB on read; write through ST_* expressions. */
  position: string | null;
  accuracy_m: number | null;
  distance_m: number | null;
  idempotency_key: string;
  request_hash: string;
}

export interface InspectorReportsTable {
  inspector_id: string;
  idempotency_key: string;
  jurisdiction_id: string;
  work_order_id: string;
  request_hash: string;
  acted_at: Timestamp;
  created_at: GeneratedTimestamp;
}

export interface Database {
  jurisdictions: JurisdictionsTable;
  divisions: DivisionsTable;
  departments: DepartmentsTable;
  users: UsersTable;
  role_grants: RoleGrantsTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  events: EventsTable;
  jobs: JobsTable;
  schema_migrations: SchemaMigrationsTable;
  evaluation_systems: EvaluationSystemsTable;
  evaluation_system_versions: EvaluationSystemVersionsTable;
  evaluation_datasets: EvaluationDatasetsTable;
  evaluation_dataset_rows: EvaluationDatasetRowsTable;
  evaluation_runs: EvaluationRunsTable;
  evaluation_results: EvaluationResultsTable;
  grid_units: GridUnitsTable;
  grids: GridsTable;
  grid_inspectors: GridInspectorsTable;
  grid_departments: GridDepartmentsTable;
  grid_layers: GridLayersTable;
  component_classes: ComponentClassesTable;
  components: ComponentsTable;
  component_history: ComponentHistoryTable;
  component_settings: ComponentSettingsTable;
  component_orders: ComponentOrdersTable;
  user_phones: UserPhonesTable;
  phone_codes: PhoneCodesTable;
  outbound_messages: OutboundMessagesTable;
  work_order_contacts: WorkOrderContactsTable;
  work_order_settings: WorkOrderSettingsTable;
  work_order_code_counters: WorkOrderCodeCountersTable;
  work_orders: WorkOrdersTable;
  work_order_timeline: WorkOrderTimelineTable;
  work_order_imports: WorkOrderImportsTable;
  work_order_classifier_models: WorkOrderClassifierModelsTable;
  attachments: AttachmentsTable;
  work_order_categories: WorkOrderCategoriesTable;
  responsibility_rules: ResponsibilityRulesTable;
  idempotency_keys: IdempotencyKeysTable;
  knowledge_articles: KnowledgeArticlesTable;
  knowledge_article_versions: KnowledgeArticleVersionsTable;
  open311_services: Open311ServicesTable;
  open311_attributes: Open311AttributesTable;
  open311_requests: Open311RequestsTable;
  open311_updates: Open311UpdatesTable;
  federation_peers: FederationPeersTable;
  federation_transfers: FederationTransfersTable;
  federation_mirrored: FederationMirroredTable;
  performance_schemes: PerformanceSchemesTable;
  inspector_task_results: InspectorTaskResultsTable;
  inspector_reports: InspectorReportsTable;
}
