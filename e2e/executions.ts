// A policy's deliveries as the server stored them, read through the Harbor-compatible API. Once
// none is waiting or running, no delivery of theirs can still be sent (only Pending tasks are
// claimed), so a receiver's count taken then is final: no sleeping to see that nothing more comes.
import type { APIRequestContext } from "@playwright/test";
import { expect } from "./fixtures";

export type StoredExecution = {
  id: number;
  status: string;
  extra_attrs: { event_type: string; payload: string };
};

export type StoredTask = {
  id: number;
  status: string;
  run_count: number;
  extra_attrs: { webhook_id: string };
};

const FINISHED = ["Success", "Error", "Stopped"];

const policyPath = (project: string, policyId: number) => `/api/v2.0/projects/${project}/webhook/policies/${policyId}`;

async function getJson<T>(request: APIRequestContext, url: string): Promise<T> {
  const r = await request.get(url);
  expect(r.status(), await r.text()).toBe(200);
  return (await r.json()) as T;
}

/** The policy's executions (up to 100), once every one of them has finished. */
export async function settledExecutions(
  request: APIRequestContext,
  project: string,
  policyId: number,
  timeoutMs = 30_000,
): Promise<StoredExecution[]> {
  let list: StoredExecution[] = [];
  await expect
    .poll(
      async () => {
        list = await getJson(request, `${policyPath(project, policyId)}/executions?page_size=100`);
        return list.every((e) => FINISHED.includes(e.status));
      },
      { timeout: timeoutMs },
    )
    .toBe(true);
  return list;
}

/** The tasks of one execution. */
export function storedTasks(
  request: APIRequestContext,
  project: string,
  policyId: number,
  executionId: number,
): Promise<StoredTask[]> {
  return getJson(request, `${policyPath(project, policyId)}/executions/${executionId}/tasks`);
}

/** The id of the project's policy named `name`. */
export async function policyIdByName(request: APIRequestContext, project: string, name: string): Promise<number> {
  const list = await getJson<{ id: number; name: string }[]>(
    request,
    `/api/v2.0/projects/${project}/webhook/policies?page_size=100`,
  );
  const policy = list.find((p) => p.name === name);
  expect(policy, `policy ${name} in ${project}`).toBeDefined();
  return policy!.id;
}
