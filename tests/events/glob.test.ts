// Repository and tag patterns: the documented glob syntax, refusals at save time, and matching in
// time linear in pattern × name (a backtracking regular expression takes exponential time on
// `*a*a…*b`), with a cap on the matching work of one event.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { describe, expect, it, vi } from "vitest";
import * as events from "@/app/v1/events/route";
import * as policies from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/route";
import { MAX_MATCH_STEPS_PER_EVENT } from "@/lib/events/ingest";
import { compileGlob, globMatch, globProblem, isGlobMatch, StepBudget } from "@/lib/shared/glob";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { makePolicy } from "../harbor-api/helpers";
import { makeApiKey, makeProject, makeUser } from "../helpers/fixtures";
import { call, expectV1Error } from "../helpers/http";
import { signedIn } from "../helpers/session-mock";

vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());

const EVIL = "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b";

describe("glob semantics", () => {
  it.each([
    ["v*", "v1.2", true],
    ["v*", "v", true],
    ["v*", "1.2", false],
    ["*", "a/b", false],
    ["library/*", "library/app", true],
    ["library/*", "library/.hidden", true],
    ["library/*", "library/app/x", false],
    ["library/**", "library", true],
    ["library/**", "library/", true],
    ["library/**", "library/a/b", true],
    ["library/**", "libraryx", false],
    ["**/nginx", "nginx", true],
    ["**/nginx", "a/b/nginx", true],
    ["**/nginx", "a/b/nginx2", false],
    ["a/**/b", "a/b", true],
    ["a/**/b", "a/x/y/b", true],
    ["a**b", "axxb", true],
    ["a**b", "ax/xb", false],
    ["**", "a/b/c", true],
    ["**", "", true],
    ["?", "a", true],
    ["?", "/", false],
    ["?", "ab", false],
    ["?", "💥", true],
    ["[abc]", "b", true],
    ["[abc]", "d", false],
    ["release-[0-9]*", "release-1x", true],
    ["release-[0-9]*", "release-x1", false],
    ["[!a-c]", "d", true],
    ["[!a-c]", "b", false],
    ["[^a-c]", "d", true],
    ["[!a]", "/", false],
    ["[]]", "]", true],
    ["[a\\]]", "]", true],
    ["{latest,stable}", "stable", true],
    ["{latest,stable}", "stablex", false],
    ["{a,{b,c}}x", "cx", true],
    ["a{,x}", "a", true],
    ["a{,x}", "ax", true],
    ["{a,b}*", "bx", true],
    ["a\\*", "a*", true],
    ["a\\*", "ab", false],
    ["a,b", "a,b", true],
    ["*a*b*c", "xaybzc", true],
    ["*a*b*c", "xaybz", false],
    [EVIL, "a".repeat(64), false],
    [EVIL, "a".repeat(64) + "b", true],
  ] as const)("%s against %s: %s", (pattern, name, expected) => {
    expect(isGlobMatch(pattern, name)).toBe(expected);
  });

  it.each([
    ["[", "A [ is not closed"],
    ["v[0-9", "A [ is not closed"],
    ["{a,b", "A { is not closed"],
    ["a}", "A } has no {"],
    ["[z-a]", "The range z-a is backwards"],
    ["a\\", "lone \\"],
    ["(a|b)", "use {a,b} for alternatives"],
    ["!v*", "negation"],
    ["{".repeat(9) + "}".repeat(9), "at most 8 deep"],
  ])("refuses %s: %s", (pattern, message) => {
    expect(globProblem(pattern)).toContain(message);
  });

  it("refuses a bad pattern at save time, naming the field and the fix", () => {
    const r = policyInputSchema.safeParse({
      name: "n",
      event_types: ["PUSH_ARTIFACT"],
      targets: [{ type: "http", address: "https://ci.example.com/hook" }],
      tag_pattern: "v[0-9",
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({
      path: ["tag_pattern"],
      message: expect.stringContaining("[ is not closed"),
    });
    // "" stays "no filter", as Harbor clients send back what they read.
    const empty = policyInputSchema.parse({
      name: "n",
      event_types: ["PUSH_ARTIFACT"],
      targets: [{ type: "http", address: "https://ci.example.com/hook" }],
      tag_pattern: "",
    });
    expect(empty.tag_pattern).toBeNull();
  });

  it("refuses a bad pattern through the Harbor API with a 400 naming the field", async () => {
    const { user } = await makeUser({ sysadmin: true });
    const project = await makeProject();
    signedIn.uid = user.id;
    const res = await call(policies.POST, {
      path: `/api/v2.0/projects/${project.name}/webhook/policies`,
      params: { project_name_or_id: project.name },
      body: {
        name: "bad-pattern",
        event_types: ["PUSH_ARTIFACT"],
        targets: [{ type: "http", address: "https://ci.example.com/hook" }],
        repository_pattern: "library/{a,b",
      },
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain("repository_pattern: A { is not closed");
  });
});

describe("glob cost", () => {
  it(`matches the backtracking pattern ${EVIL} against a 64-character tag in well under 50 ms`, () => {
    const glob = compileGlob(EVIL);
    globMatch(glob, "a".repeat(64)); // warm-up: the first call pays for the JIT
    const started = performance.now();
    for (let i = 0; i < 10; i++) expect(globMatch(glob, "a".repeat(64))).toBe(false);
    expect((performance.now() - started) / 10).toBeLessThan(50);
  });

  it("charges a budget with the work done, bounded by states × characters, and stops when it runs out", () => {
    const glob = compileGlob(EVIL);
    const budget = new StepBudget(1_000_000);
    globMatch(glob, "a".repeat(64), budget);
    expect(budget.steps).toBeGreaterThan(0);
    expect(budget.steps).toBeLessThanOrEqual(glob.states.length * 64);
    const small = new StepBudget(100);
    expect(() => globMatch(glob, "a".repeat(64), small)).toThrow(/more than 100 steps/);
  });
});

describe("POST /v1/events against a policy with a hostile pattern", () => {
  async function setup(tagPattern: string) {
    const { actor } = await makeUser({ sysadmin: true });
    const project = await makeProject();
    const { key } = await makeApiKey(project.id);
    await makePolicy(actor, project, { tag_pattern: tagPattern });
    return { project, key };
  }
  const event = (project: { name: string }, tags: string[]) => ({
    type: "PUSH_ARTIFACT",
    operator: "ci",
    event_data: {
      resources: tags.map((tag) => ({
        tag,
        digest: "sha256:" + "1".repeat(64),
        resource_url: `registry.local/${project.name}/app:${tag}`,
      })),
      repository: { name: "app", namespace: project.name, repo_full_name: `${project.name}/app`, repo_type: "private" },
    },
  });

  it("answers promptly and never holds the event loop", async () => {
    const { project, key } = await setup(EVIL);
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    const started = performance.now();
    const [miss, hit] = await Promise.all([
      call(events.POST, { path: "/v1/events", key, body: event(project, ["a".repeat(64)]) }),
      call(events.POST, { path: "/v1/events", key, body: event(project, ["a".repeat(63) + "b"]) }),
    ]);
    const elapsed = performance.now() - started;
    lag.disable();
    expect(miss.status).toBe(202);
    expect(miss.json).toMatchObject({ deliveries: 0 });
    expect(hit.status).toBe(202);
    expect(hit.json).toMatchObject({ deliveries: 2 });
    expect(elapsed).toBeLessThan(5_000);
    // The longest the loop was held (database calls included) stays far from the seconds a backtracking match takes.
    expect(lag.max / 1e6).toBeLessThan(1_000);
  });

  it(`refuses an event whose matching would take more than ${MAX_MATCH_STEPS_PER_EVENT} steps with a 400 naming event_data`, async () => {
    // 256 characters of pattern against 1,000 tags of 64 characters: linear, but past the cap.
    const { project, key } = await setup("*a".repeat(128));
    const res = await call(events.POST, {
      path: "/v1/events",
      key,
      body: event(
        project,
        Array.from({ length: 1000 }, () => "a".repeat(64)),
      ),
    });
    expectV1Error(res, 400, "validation_error", "event_data");
  });
});
