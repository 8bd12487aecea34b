import type { ExecutionColumn, TaskColumn } from "@/lib/history/conditions";
import { TASK_STATUSES } from "@/lib/shared/task-statuses";
import { ALL_EVENT_TYPES } from "@/lib/shared/events";
import type { QueryField } from "@/lib/harbor-api/query";

/**
 * The `q` keys and `sort` fields of the history lists: Harbor's execution and task columns
 * (src/pkg/task/dao/model.go), mapped to ours. The routes and the OpenAPI document read them here.
 */

export const EXECUTION_VENDOR_TYPES = ["WEBHOOK", "SLACK"] as const;
export const EXECUTION_TRIGGERS = ["EVENT", "MANUAL"] as const;

const eventTypeField = {
  column: "eventType",
  type: "text",
  kinds: ["exact", "fuzzy", "any"],
  values: ALL_EVENT_TYPES,
} as const;

/** Harbor's execution columns as `q` keys; event_type (Harbor: extra_attrs.event_type) is ours. */
export const EXECUTION_QUERY_FIELDS: Record<string, QueryField<ExecutionColumn>> = {
  id: { column: "id", type: "int", kinds: ["exact", "fuzzy", "range", "any"] },
  vendor_type: { column: "vendorType", type: "text", kinds: ["exact", "fuzzy", "any"], values: EXECUTION_VENDOR_TYPES },
  vendor_id: { column: "policyId", type: "int", kinds: ["exact", "any"] },
  status: { column: "status", type: "text", kinds: ["exact", "fuzzy", "any"], values: TASK_STATUSES },
  status_message: { column: "statusMessage", type: "text", kinds: ["exact", "fuzzy"] },
  trigger: { column: "trigger", type: "text", kinds: ["exact", "fuzzy", "any"], values: EXECUTION_TRIGGERS },
  event_type: eventTypeField,
  "extra_attrs.event_type": eventTypeField,
  start_time: { column: "startTime", type: "time", kinds: ["range"] },
  end_time: { column: "endTime", type: "time", kinds: ["range"] },
};

/** Harbor's UI sorts executions by status, start_time and end_time, both ways. */
export const EXECUTION_SORT_FIELDS: Record<string, ExecutionColumn> = {
  id: "id",
  vendor_type: "vendorType",
  status: "status",
  trigger: "trigger",
  start_time: "startTime",
  end_time: "endTime",
};

export const TASK_QUERY_FIELDS: Record<string, QueryField<TaskColumn>> = {
  id: { column: "id", type: "int", kinds: ["exact", "fuzzy", "range", "any"] },
  execution_id: { column: "executionId", type: "int", kinds: ["exact", "any"] },
  status: { column: "status", type: "text", kinds: ["exact", "fuzzy", "any"], values: TASK_STATUSES },
  status_message: { column: "statusMessage", type: "text", kinds: ["exact", "fuzzy"] },
  run_count: { column: "runCount", type: "int", kinds: ["exact", "range", "any"] },
  creation_time: { column: "createdAt", type: "time", kinds: ["range"] },
  start_time: { column: "startTime", type: "time", kinds: ["range"] },
  update_time: { column: "updatedAt", type: "time", kinds: ["range"] },
  end_time: { column: "endTime", type: "time", kinds: ["range"] },
};

export const TASK_SORT_FIELDS: Record<string, TaskColumn> = {
  id: "id",
  status: "status",
  run_count: "runCount",
  creation_time: "createdAt",
  start_time: "startTime",
  update_time: "updatedAt",
  end_time: "endTime",
};
