// A real CNCF Distribution registry (Debian's docker-registry) posts its notifications to the app;
// skopeo pushes and pulls a small image. The receiver must get Harbor's PUSH_ARTIFACT and
// PULL_ARTIFACT payloads for it. CI installs both tools; elsewhere the test is skipped without them.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { E2E_BASE_URL, REGISTRY_NOTIFICATION_TOKEN } from "./env";
import { settledExecutions } from "./executions";
import { expect, test, uniqueName } from "./fixtures";
import { writeOciImage } from "../tests/helpers/oci-image";

const run = promisify(execFile);
const haveTools = fs.existsSync("/usr/bin/docker-registry") && fs.existsSync("/usr/bin/skopeo");

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

test.describe("a real registry", () => {
  test.skip(
    !haveTools && !process.env.CI,
    "docker-registry and skopeo are not installed (apt-get install docker-registry skopeo)",
  );

  let registry: ChildProcess | undefined;
  let work = "";
  test.afterAll(async () => {
    registry?.kill("SIGTERM");
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test("push and pull through docker-registry reach the webhook as Harbor payloads", async ({ adminRequest }) => {
    test.setTimeout(120_000);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "harbor-registry-e2e-"));
    const port = await freePort();
    fs.writeFileSync(
      path.join(work, "config.yml"),
      [
        "version: 0.1",
        "log: { level: warn }",
        `storage: { filesystem: { rootdirectory: ${path.join(work, "storage")} } }`,
        `http: { addr: "127.0.0.1:${port}" }`,
        "notifications:",
        "  endpoints:",
        "    - name: harbor-notifier",
        `      url: ${E2E_BASE_URL}/service/notifications`,
        `      headers: { Authorization: ["Bearer ${REGISTRY_NOTIFICATION_TOKEN}"] }`,
        "      timeout: 5s",
        "      threshold: 5",
        "      backoff: 1s",
      ].join("\n"),
    );
    registry = spawn("/usr/bin/docker-registry", ["serve", path.join(work, "config.yml")], { stdio: "ignore" });
    await expect
      .poll(async () => (await fetch(`http://127.0.0.1:${port}/v2/`).catch(() => null))?.status ?? 0, {
        timeout: 20_000,
      })
      .toBe(200);

    // The receiver and a policy on push and pull, through the Harbor-compatible API.
    type Notification = {
      type: string;
      event_data: { repository: Record<string, string>; resources: { digest: string; tag?: string }[] };
    };
    const received: { type: string; body: Notification }[] = [];
    const rx = http.createServer((req, res) => {
      let data = "";
      req.on("data", (c) => (data += c));
      req.on("end", () => {
        const body = JSON.parse(data);
        received.push({ type: body.type, body });
        res.end("ok");
      });
    });
    await new Promise<void>((r) => rx.listen(0, "127.0.0.1", r));
    const rxPort = (rx.address() as AddressInfo).port;
    const project = uniqueName("reg");
    expect(
      (
        await adminRequest.post("/api/v2.0/projects", {
          data: { project_name: project, metadata: { public: "false" } },
        })
      ).status(),
    ).toBe(201);
    const created = await adminRequest.post(`/api/v2.0/projects/${project}/webhook/policies`, {
      data: {
        name: "registry",
        enabled: true,
        event_types: ["PUSH_ARTIFACT", "PULL_ARTIFACT"],
        targets: [{ type: "http", address: `http://127.0.0.1:${rxPort}/hook`, payload_format: "Default" }],
      },
    });
    expect(created.status()).toBe(201);
    const policyId = ((await created.json()) as { id: number }).id;

    const image = path.join(work, "image");
    writeOciImage(image);
    const ref = `docker://127.0.0.1:${port}/${project}/app:1.0`;
    await run("skopeo", ["--insecure-policy", "copy", "--dest-tls-verify=false", `oci:${image}:latest`, ref], {
      timeout: 60_000,
    });
    await expect.poll(() => received.filter((r) => r.type === "PUSH_ARTIFACT").length, { timeout: 30_000 }).toBe(1);
    const push = received.find((r) => r.type === "PUSH_ARTIFACT")!.body;
    expect(Object.keys(push)).toEqual(["type", "occur_at", "operator", "event_data"]);
    expect(push.event_data.repository).toMatchObject({
      name: "app",
      namespace: project,
      repo_full_name: `${project}/app`,
      repo_type: "private",
    });
    // skopeo may rewrite the manifest while copying, so the pushed digest is the registry's word.
    expect(push.event_data.resources).toEqual([
      {
        digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        tag: "1.0",
        resource_url: `127.0.0.1:${port}/${project}/app:1.0`,
      },
    ]);
    const pushed = push.event_data.resources[0].digest;

    await run(
      "skopeo",
      ["--insecure-policy", "copy", "--src-tls-verify=false", ref, `oci:${path.join(work, "pulled")}:latest`],
      { timeout: 60_000 },
    );
    await expect
      .poll(() => received.filter((r) => r.type === "PULL_ARTIFACT").length, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(1);
    const pull = received.find((r) => r.type === "PULL_ARTIFACT")!.body;
    expect(pull.event_data.repository.repo_full_name).toBe(`${project}/app`);
    expect(pull.event_data.resources[0].digest).toBe(pushed);
    // One artifact event per manifest push, as stored: the blob uploads did not fan out, and with
    // every execution finished the receiver has all the pushes it will get.
    const executions = await settledExecutions(adminRequest, project, policyId);
    expect(executions.filter((e) => e.extra_attrs.event_type === "PUSH_ARTIFACT")).toHaveLength(1);
    expect(received.filter((r) => r.type === "PUSH_ARTIFACT")).toHaveLength(1);
    await new Promise<void>((r) => rx.close(() => r()));
  });
});
