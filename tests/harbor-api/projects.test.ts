// Projects, members, users and API keys through the Harbor-compatible API: enough to script a
// whole set-up without the UI.
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as projects from "@/app/api/v2.0/projects/route";
import * as project from "@/app/api/v2.0/projects/[project_name_or_id]/route";
import * as members from "@/app/api/v2.0/projects/[project_name_or_id]/members/route";
import * as member from "@/app/api/v2.0/projects/[project_name_or_id]/members/[mid]/route";
import * as apiKeys from "@/app/api/v2.0/projects/[project_name_or_id]/api-keys/route";
import * as apiKey from "@/app/api/v2.0/projects/[project_name_or_id]/api-keys/[key_id]/route";
import * as users from "@/app/api/v2.0/users/route";
import * as user from "@/app/api/v2.0/users/[user_id]/route";
import * as policies from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/route";
import { getDb } from "@/lib/db/client";
import { DEAD_URL, makeApiKey, makeProject, makeUser, uid } from "../helpers/fixtures";
import { call } from "../helpers/http";
import { harborError, makeWorld, type World } from "./helpers";

vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());

let w: World;
beforeAll(async () => {
  w = await makeWorld();
});

type ProjectJson = { project_id: number; name: string; metadata: { public: string }; current_user_role_id: number };

describe("projects", () => {
  it("creates a project (201 + Location), reads it by id and by name, and refuses a duplicate (409)", async () => {
    const name = `proj-${uid()}`;
    const r = await call(projects.POST, "/api/v2.0/projects", {
      method: "POST",
      params: {},
      auth: w.auth.sysadmin,
      body: { project_name: name, metadata: { public: "true" }, storage_limit: -1, registry_id: null },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.text).toBe("");
    const location = r.headers.get("location")!;
    expect(location).toMatch(/^\/api\/v2\.0\/projects\/\d+$/);
    const id = location.split("/").pop()!;

    const byId = await call(project.GET, location, { params: { project_name_or_id: id }, auth: w.auth.sysadmin });
    const row = await (await getDb()).project.findUniqueOrThrow({ where: { id: Number(id) } });
    expect(byId.json).toEqual({
      project_id: Number(id),
      name,
      creation_time: row.createdAt.toISOString(),
      update_time: row.updatedAt.toISOString(),
      deleted: false,
      // the creator becomes its project admin, as in Harbor
      current_user_role_id: 1,
      current_user_role_ids: [1],
      repo_count: 0,
      metadata: { public: "true" },
    });
    const byName = await call(project.GET, `/api/v2.0/projects/${name}`, {
      params: { project_name_or_id: name },
      auth: w.auth.sysadmin,
    });
    expect(byName.json).toEqual(byId.json);

    const dup = await call(projects.POST, "/api/v2.0/projects", {
      method: "POST",
      params: {},
      auth: w.auth.sysadmin,
      body: { project_name: name },
    });
    expect(dup.status).toBe(409);
    expect(dup.json).toEqual(harborError("CONFLICT", `A project named ${name} already exists. Choose another name.`));
  });

  it("puts the name in Location when asked with X-Resource-Name-In-Location, and accepts the deprecated public flag", async () => {
    const name = `proj-${uid()}`;
    const r = await call(projects.POST, "/api/v2.0/projects", {
      method: "POST",
      params: {},
      auth: w.auth.sysadmin,
      body: { project_name: name, public: true },
      headers: { "x-resource-name-in-location": "true" },
    });
    expect(r.headers.get("location")).toBe(`/api/v2.0/projects/${name}`);
    expect(
      (
        (await call(project.GET, "/x", { params: { project_name_or_id: name }, auth: w.auth.sysadmin }))
          .json as ProjectJson
      ).metadata,
    ).toEqual({ public: "true" });
  });

  it.each([
    [
      { project_name: "Not Valid" },
      "project_name: Use lower-case letters and digits, with single '.', '_' or '-' between them, for example team-a.",
    ],
    [{}, "project_name: Enter a project name."],
    [{ project_name: "ok-name", metadata: { public: "yes" } }, 'metadata.public: must be "true" or "false"'],
  ])("answers 400 for %j", async (body, message) => {
    const r = await call(projects.POST, "/api/v2.0/projects", {
      method: "POST",
      params: {},
      auth: w.auth.sysadmin,
      body,
    });
    expect(r.status).toBe(400);
    expect(r.json).toEqual(harborError("BAD_REQUEST", message));
  });

  it("checks the role before the body: a non-admin with a bad body gets 403, not 400", async () => {
    const r = await call(projects.POST, "/api/v2.0/projects", {
      method: "POST",
      params: {},
      auth: w.auth.projectAdmin,
      body: { project_name: "Not Valid" },
    });
    expect(r.json).toEqual(harborError("FORBIDDEN", "Only system admins can create projects."));
  });

  it("lists what the caller may see, with X-Total-Count, name filters and the caller's role", async () => {
    const list = async (auth: string | undefined, query = "?page_size=100") => {
      const r = await call(projects.GET, `/api/v2.0/projects${query}`, { params: {}, auth });
      return { r, items: r.json as ProjectJson[] };
    };
    const asGuest = await list(w.auth.guest, `?q=${encodeURIComponent(`name=${w.project.name}`)}`);
    expect(asGuest.items).toHaveLength(1);
    expect(asGuest.items[0]).toMatchObject({
      project_id: w.project.id,
      name: w.project.name,
      current_user_role_id: 3,
      // Harbor always sends repo_count (we keep no repositories)
      repo_count: 0,
      metadata: { public: "false" },
    });
    expect(asGuest.r.headers.get("x-total-count")).toBe("1");
    // not visible to an admin of another project, by exact or fuzzy name
    expect((await list(w.auth.otherProjectAdmin, `?q=name=${w.project.name}`)).items).toEqual([]);
    expect((await list(w.auth.otherProjectAdmin, `?name=${w.project.name}`)).items).toEqual([]);
    expect((await list(w.auth.maintainer, `?name=${w.project.name.slice(0, 8)}`)).items.map((p) => p.name)).toContain(
      w.project.name,
    );
    // a key sees its own project only
    const asKey = await list(w.auth.liveKey);
    expect(asKey.items.map((p) => p.project_id)).toEqual([w.project.id]);
    expect(asKey.r.headers.get("x-total-count")).toBe("1");
    const paged = await list(w.auth.sysadmin, "?page=1&page_size=1");
    expect(paged.items).toHaveLength(1);
    expect(Number(paged.r.headers.get("x-total-count"))).toBeGreaterThan(1);
    expect(paged.r.headers.get("link")).toBe('</api/v2.0/projects?page=2&page_size=1>; rel="next"');
    expect(
      (await call(projects.GET, "/api/v2.0/projects?page_size=500", { params: {}, auth: w.auth.sysadmin })).json,
    ).toEqual(harborError("BAD_REQUEST", "page_size: must be at most 100"));
  });

  it("matches nothing, without an error, for a name filter longer than any project name (SQLite caps LIKE patterns at 50,000 bytes)", async () => {
    for (const query of [
      `?q=${encodeURIComponent(`name=~${"x".repeat(60_000)}`)}`,
      `?name=${"x".repeat(60_000)}`,
      `?q=name=~${"x".repeat(256)}`,
    ]) {
      const r = await call(projects.GET, `/api/v2.0/projects${query}`, { params: {}, auth: w.auth.sysadmin });
      expect(r.status, r.text).toBe(200);
      expect(r.json).toEqual([]);
      expect(r.headers.get("x-total-count")).toBe("0");
    }
  });

  it("lets any signed-in user read a public project, as Harbor", async () => {
    const db = await getDb();
    const pub = await db.project.create({ data: { name: `pub-${uid()}`, public: true } });
    const r = await call(project.GET, "/x", {
      params: { project_name_or_id: pub.name },
      auth: w.auth.otherProjectAdmin,
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ name: pub.name, current_user_role_id: 0, metadata: { public: "true" } });
  });

  it("deletes a project (200) and then answers 404", async () => {
    const p = await makeProject();
    const r = await call(project.DELETE, "/x", {
      method: "DELETE",
      params: { project_name_or_id: String(p.id) },
      auth: w.auth.sysadmin,
    });
    expect(r.status).toBe(200);
    const gone = await call(project.GET, "/x", { params: { project_name_or_id: String(p.id) }, auth: w.auth.sysadmin });
    expect(gone.json).toEqual(harborError("NOT_FOUND", "project not found"));
  });
});

describe("members", () => {
  it("adds a member by user name (201 + Location), lists it in Harbor's shape, changes its role and removes it", async () => {
    const p = await makeProject({ [w.users.admin.user.id]: "projectAdmin" });
    const { user: u } = await makeUser();
    const path = `/api/v2.0/projects/${p.name}/members`;
    const params = { project_name_or_id: p.name };
    const r = await call(members.POST, path, {
      method: "POST",
      params,
      auth: w.auth.projectAdmin,
      body: { role_id: 4, member_user: { username: u.username } },
    });
    expect(r.status, r.text).toBe(201);
    const mid = Number(r.headers.get("location")!.match(new RegExp(`^${path}/(\\d+)$`))![1]);

    const list = await call(members.GET, path, { params, auth: w.auth.projectAdmin });
    expect(list.headers.get("x-total-count")).toBe("2");
    expect(list.json).toContainEqual({
      id: mid,
      project_id: p.id,
      entity_name: u.username,
      role_name: "maintainer",
      role_id: 4,
      entity_id: u.id,
      entity_type: "u",
    });
    const filtered = await call(members.GET, `${path}?entityname=${u.username.toUpperCase()}`, {
      params,
      auth: w.auth.projectAdmin,
    });
    expect((filtered.json as { id: number }[]).map((m) => m.id)).toEqual([mid]);

    const mparams = { ...params, mid: String(mid) };
    expect(
      (
        await call(member.PUT, "/x", {
          method: "PUT",
          params: mparams,
          auth: w.auth.projectAdmin,
          body: { role_id: 2 },
        })
      ).status,
    ).toBe(200);
    expect((await call(member.GET, "/x", { params: mparams, auth: w.auth.projectAdmin })).json).toMatchObject({
      id: mid,
      role_name: "developer",
      role_id: 2,
    });
    expect(
      (await call(member.DELETE, "/x", { method: "DELETE", params: mparams, auth: w.auth.projectAdmin })).status,
    ).toBe(200);
    expect((await call(member.GET, "/x", { params: mparams, auth: w.auth.projectAdmin })).json).toEqual(
      harborError("NOT_FOUND", "member not found"),
    );
  });

  it("adds a member by user id, and refuses duplicates (409), unknown users and unknown roles (400)", async () => {
    const p = await makeProject();
    const { user: u } = await makeUser();
    const path = `/api/v2.0/projects/${p.name}/members`;
    const params = { project_name_or_id: p.name };
    const post = (body: unknown) => call(members.POST, path, { method: "POST", params, auth: w.auth.sysadmin, body });
    expect((await post({ role_id: 1, member_user: { user_id: u.id } })).status).toBe(201);
    expect((await post({ role_id: 3, member_user: { username: u.username } })).json).toEqual(
      harborError("CONFLICT", `${u.username} is already a member of ${p.name}; change their role in the list instead.`),
    );
    expect((await post({ role_id: 3, member_user: { username: "nobody-at-all" } })).json).toEqual(
      harborError(
        "BAD_REQUEST",
        "There is no user named nobody-at-all. Check the spelling; system admins create accounts under Users.",
      ),
    );
    expect((await post({ role_id: 3, member_user: { user_id: 987654321 } })).json).toEqual(
      harborError("BAD_REQUEST", "member_user.user_id: no user with id 987654321"),
    );
    expect((await post({ role_id: 5, member_user: { username: u.username } })).json).toEqual(
      harborError("BAD_REQUEST", "role_id: must be 1 (projectAdmin), 2 (developer), 3 (guest) or 4 (maintainer)"),
    );
    expect((await post({ role_id: 2 })).json).toEqual(
      harborError("BAD_REQUEST", "member_user: is required: {username} or {user_id} (or a member_group)"),
    );
    expect((await post({ role_id: 2, member_user: {} })).json).toEqual(
      harborError("BAD_REQUEST", "member_user: needs a username or a user_id"),
    );
  });

  it("adds a group member (Harbor's member_group), refuses it twice (409) and names the missing field (400)", async () => {
    const p = await makeProject();
    const path = `/api/v2.0/projects/${p.name}/members`;
    const params = { project_name_or_id: p.name };
    const post = (body: unknown) => call(members.POST, path, { method: "POST", params, auth: w.auth.sysadmin, body });
    const group = `team-${uid()}`;
    expect((await post({ role_id: 2, member_group: { group_type: 3, group_name: group } })).status).toBe(201);
    expect((await post({ role_id: 3, member_group: { group_type: 3, group_name: group } })).json).toEqual(
      harborError(
        "CONFLICT",
        `The group ${group} is already a member of ${p.name}; change its role in the list instead.`,
      ),
    );
    const list = await call(members.GET, path, { params, auth: w.auth.sysadmin });
    expect(list.json).toEqual(
      expect.arrayContaining([expect.objectContaining({ entity_type: "g", entity_name: group, role_id: 2 })]),
    );
    expect((await post({ role_id: 2, member_group: { group_type: 1 } })).json).toEqual(
      harborError("BAD_REQUEST", "member_group.ldap_group_dn: is required for an LDAP group (group_type 1)"),
    );
    expect((await post({ role_id: 2, member_group: { group_type: 2, group_name: "x" } })).json).toEqual(
      harborError("BAD_REQUEST", "member_group.group_type: must be 1 (LDAP group) or 3 (OIDC group)"),
    );
    expect((await post({ role_id: 2, member_group: { id: 987654321 } })).json).toEqual(
      harborError("BAD_REQUEST", "member_group.id: no group with id 987654321"),
    );
    expect(
      (await post({ role_id: 2, member_user: { username: "x" }, member_group: { group_type: 3, group_name: "y" } }))
        .json,
    ).toEqual(harborError("BAD_REQUEST", "member_group: give a member_user or a member_group, not both"));
  });

  it("a member added through the API gets the rights of its role", async () => {
    const p = await makeProject();
    const { user: u } = await makeUser();
    const params = { project_name_or_id: p.name };
    await call(members.POST, "/x", {
      method: "POST",
      params,
      auth: w.auth.sysadmin,
      body: { role_id: 4, member_user: { username: u.username } },
    });
    const auth = w.basic(u.username);
    expect((await call(policies.GET, "/x", { params, auth })).status).toBe(200);
    const write = await call(policies.POST, "/x", {
      method: "POST",
      params,
      auth,
      body: { name: "x", event_types: ["PUSH_ARTIFACT"], targets: [{ type: "http", address: DEAD_URL }] },
    });
    expect(write.json).toEqual(harborError("FORBIDDEN", "Only project admins can change webhooks."));
  });
});

describe("users", () => {
  it("creates a user (201 + Location) who can then sign in with HTTP Basic", async () => {
    const username = `user-${uid()}`;
    const r = await call(users.POST, "/api/v2.0/users", {
      method: "POST",
      params: {},
      auth: w.auth.sysadmin,
      body: {
        username,
        password: "Str0ng-enough",
        email: `${username}@example.com`,
        realname: "Real Name",
        comment: "ci",
      },
    });
    expect(r.status, r.text).toBe(201);
    const location = r.headers.get("location")!;
    expect(location).toMatch(/^\/api\/v2\.0\/users\/\d+$/);
    const id = location.split("/").pop()!;
    const read = await call(user.GET, location, { params: { user_id: id }, auth: w.auth.sysadmin });
    expect(read.json).toMatchObject({
      user_id: Number(id),
      username,
      email: `${username}@example.com`,
      sysadmin_flag: false,
    });
    expect(read.text).not.toContain("Str0ng-enough");
    const asNewUser = await call(projects.GET, "/x", {
      params: {},
      auth: `Basic ${Buffer.from(`${username}:Str0ng-enough`).toString("base64")}`,
    });
    expect(asNewUser.status).toBe(200);
    // a user without memberships sees public projects only
    expect(
      (asNewUser.json as ProjectJson[]).every((p) => p.metadata.public === "true" && p.current_user_role_id === 0),
    ).toBe(true);
  });

  it("creates a system admin with sysadmin_flag", async () => {
    const username = `admin-${uid()}`;
    const r = await call(users.POST, "/x", {
      method: "POST",
      params: {},
      auth: w.auth.sysadmin,
      body: { username, password: "Str0ng-enough", sysadmin_flag: true },
    });
    const id = r.headers.get("location")!.split("/").pop()!;
    expect((await call(user.GET, "/x", { params: { user_id: id }, auth: w.auth.sysadmin })).json).toMatchObject({
      sysadmin_flag: true,
    });
  });

  it.each<[Record<string, unknown>, string]>([
    [{ username: "dup" }, "conflict"],
    [{ password: "short" }, "password: Use at least 8 characters."],
    [{ username: "has space" }, "username: Use letters, digits, '.', '_', '@' or '-', without spaces."],
    [{ email: "not-an-email" }, "email: Enter an e-mail address such as name@example.com, or leave it empty."],
    [{ sysadmin_flag: "yes" }, "sysadmin_flag: must be true or false"],
  ])("refuses %j", async (change, message) => {
    const username = `u-${uid()}`;
    if (message === "conflict")
      await call(users.POST, "/x", {
        method: "POST",
        params: {},
        auth: w.auth.sysadmin,
        body: { username, password: "Str0ng-enough" },
      });
    const body = { username, password: "Str0ng-enough", ...change };
    if (change.username === "dup") body.username = username;
    const r = await call(users.POST, "/x", { method: "POST", params: {}, auth: w.auth.sysadmin, body });
    if (message === "conflict") {
      expect(r.status).toBe(409);
      expect(r.json).toEqual(
        harborError("CONFLICT", `A user named ${username} already exists. Choose another user name.`),
      );
    } else {
      expect(r.status).toBe(400);
      expect(r.json).toEqual(harborError("BAD_REQUEST", message));
    }
  });

  it("answers 404 for an unknown user id", async () => {
    expect((await call(user.GET, "/x", { params: { user_id: "987654321" }, auth: w.auth.sysadmin })).json).toEqual(
      harborError("NOT_FOUND", "user not found"),
    );
  });
});

describe("API keys", () => {
  it("creates a key shown once, lists keys without it, and revokes it", async () => {
    const p = await makeProject({ [w.users.admin.user.id]: "projectAdmin" });
    const params = { project_name_or_id: p.name };
    const path = `/api/v2.0/projects/${p.name}/api-keys`;
    const r = await call(apiKeys.POST, path, {
      method: "POST",
      params,
      auth: w.auth.projectAdmin,
      body: { mode: "live", name: "ci" },
    });
    expect(r.status, r.text).toBe(201);
    const body = r.json as { id: number; key: string; mode: string; prefix: string; created_at: string; name: string };
    expect(Object.keys(body).sort()).toEqual(["created_at", "id", "key", "mode", "name", "prefix"]);
    expect(body).toMatchObject({ mode: "live", name: "ci" });
    expect(body.key).toMatch(/^hk_live_[A-Za-z0-9]{32}$/);
    expect(body.key.startsWith(body.prefix)).toBe(true);
    expect(r.headers.get("location")).toBe(`${path}/${body.id}`);

    // the key works on this project's webhook routes
    const used = await call(policies.GET, "/x", { params, auth: `Bearer ${body.key}` });
    expect(used.status).toBe(200);

    const list = await call(apiKeys.GET, path, { params, auth: w.auth.projectAdmin });
    expect(list.text).not.toContain(body.key);
    const listed = (list.json as Record<string, unknown>[]).find((k) => k.id === body.id)!;
    expect(listed).toMatchObject({
      id: body.id,
      name: "ci",
      mode: "live",
      prefix: body.prefix,
      created_by: w.users.admin.user.username,
      revoked_at: null,
    });
    expect(listed).not.toHaveProperty("key");
    expect(typeof listed.last_used_at).toBe("string");

    const kparams = { ...params, key_id: String(body.id) };
    expect((await call(apiKey.GET, "/x", { params: kparams, auth: w.auth.projectAdmin })).json).toEqual(listed);
    expect(
      (await call(apiKey.DELETE, "/x", { method: "DELETE", params: kparams, auth: w.auth.projectAdmin })).status,
    ).toBe(200);
    expect((await call(policies.GET, "/x", { params, auth: `Bearer ${body.key}` })).json).toEqual(
      harborError("UNAUTHORIZED", "invalid or revoked API key"),
    );
    expect(
      (await call(apiKey.DELETE, "/x", { method: "DELETE", params: kparams, auth: w.auth.projectAdmin })).json,
    ).toEqual(harborError("NOT_FOUND", "API key not found"));
  });

  it("pages the list: page and page_size, newest first, X-Total-Count and Link; page_size over 100 is a 400", async () => {
    const p = await makeProject({ [w.users.admin.user.id]: "projectAdmin" });
    const params = { project_name_or_id: p.name };
    const path = `/api/v2.0/projects/${p.name}/api-keys`;
    for (let i = 1; i <= 5; i++) await makeApiKey(p.id, i % 2 ? "live" : "test");
    const page = (query: string) => call(apiKeys.GET, `${path}?${query}`, { params, auth: w.auth.projectAdmin });
    const ids = (r: { json: unknown }) => (r.json as { id: number }[]).map((k) => k.id);

    const all = await page("page_size=100");
    expect(all.headers.get("x-total-count")).toBe("5");
    expect(all.headers.get("link")).toBeNull();
    const newestFirst = ids(all);
    expect(newestFirst).toEqual([...newestFirst].sort((a, b) => b - a));

    const second = await page("page=2&page_size=2");
    expect(ids(second)).toEqual(newestFirst.slice(2, 4));
    expect(second.headers.get("x-total-count")).toBe("5");
    expect(second.headers.get("link")).toBe(
      `<${path}?page=1&page_size=2>; rel="prev" , <${path}?page=3&page_size=2>; rel="next"`,
    );
    expect(ids(await page("page=3&page_size=2"))).toEqual(newestFirst.slice(4));
    // Harbor's default: 10 per page.
    expect(ids(await page(""))).toEqual(newestFirst);
    expect((await page("page_size=101")).json).toEqual(harborError("BAD_REQUEST", "page_size: must be at most 100"));
  });

  it("refuses an unknown mode, and a key of another project by id", async () => {
    const params = { project_name_or_id: w.project.name };
    expect(
      (await call(apiKeys.POST, "/x", { method: "POST", params, auth: w.auth.projectAdmin, body: { mode: "prod" } }))
        .json,
    ).toEqual(harborError("BAD_REQUEST", "mode: Choose live or test."));
    const foreign = { ...params, key_id: String(w.keys.otherKey.row.id) };
    expect(
      (await call(apiKey.DELETE, "/x", { method: "DELETE", params: foreign, auth: w.auth.projectAdmin })).json,
    ).toEqual(harborError("NOT_FOUND", "API key not found"));
    expect((await call(apiKey.GET, "/x", { params: foreign, auth: w.auth.projectAdmin })).json).toEqual(
      harborError("NOT_FOUND", "API key not found"),
    );
  });
});
