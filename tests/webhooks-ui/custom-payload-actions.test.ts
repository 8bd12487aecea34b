// The policy form's server actions with Custom templates and custom headers: a bad template is
// refused at save with its position, on the field the form shows it next to; the preview renders a
// sample event or says where the template fails; header values are kept masked on edit.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { decryptCustomHeaders } from "@/lib/delivery/custom-headers";
import { fieldForPath, formToPolicyInput, policyToFormValues, type PolicyForForm } from "@/lib/shared/policy-form";
import { SECRET_MASK } from "@/lib/shared/policy-input";
import { TEMPLATE_PRESETS } from "@/lib/shared/template-presets";
import { toHarborPolicy } from "@/lib/policies/view";
import { findPolicy } from "@/lib/policies/service";
import { makeProject, makeUser } from "../helpers/fixtures";

const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/lib/auth/session", async () => {
  const { unauthorized } = await import("@/lib/errors");
  return {
    requireUserAction: async () => {
      if (!session.actor) throw unauthorized("your session has expired; sign in again");
      return session.actor;
    },
  };
});
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const webhooks = await import("@/app/projects/[project]/webhooks/actions");

async function setup() {
  const admin = await makeUser();
  const maintainer = await makeUser();
  const project = await makeProject({ [admin.user.id]: "projectAdmin", [maintainer.user.id]: "maintainer" });
  session.actor = admin.actor;
  return { admin, maintainer, project };
}

const input = (target: Record<string, unknown>) => ({
  name: `custom-${Math.random().toString(36).slice(2, 8)}`,
  event_types: ["PUSH_ARTIFACT"],
  targets: [{ type: "http", address: "https://ci.example.com/hook", ...target }],
});

beforeEach(() => {
  session.actor = null;
});

/** The data of an action that succeeded (a failure fails the test with its message). */
function dataOf<T>(r: { ok: true; data?: T } | { ok: false; message: string }): T | undefined {
  if (!r.ok) throw new Error(r.message);
  return r.data;
}

describe("saving Custom templates from the form", () => {
  it("refuses a bad template with code, field and position; the form shows it at the template", async () => {
    const { project } = await setup();
    const r = await webhooks.createPolicyAction(
      project.name,
      input({ payload_format: "Custom", payload_template: "{\n  {% for x in %}\n}" }),
    );
    expect(r).toMatchObject({ ok: false, code: "invalid_template", field: "targets.0.payload_template" });
    if (r.ok) return;
    expect(r.message).toMatch(/^Line 2, column 3: /);
    expect(fieldForPath(r.field)).toBe("payloadTemplate");
  });

  it("saves a preset, and an edit that sends the masked header value keeps the stored one", async () => {
    const { project } = await setup();
    const discord = TEMPLATE_PRESETS.find((p) => p.id === "discord")!;
    const created = await webhooks.createPolicyAction(
      project.name,
      input({
        payload_format: "Custom",
        payload_template: discord.template,
        content_type: discord.contentType,
        custom_headers: { "X-Api-Key": "first-key" },
      }),
    );
    expect(created.ok, created.ok ? "" : created.message).toBe(true);
    const id = dataOf(created)!.id;
    const stored = (await findPolicy(project.id, id))!;
    const form = policyToFormValues(toHarborPolicy(stored, { showSecretsMasked: true }) as PolicyForForm);
    expect(form).toMatchObject({
      payloadFormat: "Custom",
      payloadTemplate: discord.template,
      customHeaders: [{ name: "X-Api-Key", value: SECRET_MASK }],
    });
    form.customHeaders.push({ name: "X-Second", value: "two" });
    const saved = await webhooks.updatePolicyAction(project.name, id, formToPolicyInput(form));
    expect(saved.ok, saved.ok ? "" : saved.message).toBe(true);
    const row = await (await getDb()).webhookTarget.findFirstOrThrow({ where: { policyId: id } });
    expect(decryptCustomHeaders(row.customHeadersEnc)).toEqual({ "X-Api-Key": "first-key", "X-Second": "two" });

    // Emptying the list removes them.
    const emptied = await webhooks.updatePolicyAction(
      project.name,
      id,
      formToPolicyInput({ ...form, customHeaders: [], customHeadersStored: true }),
    );
    expect(emptied.ok).toBe(true);
    expect((await (await getDb()).webhookTarget.findFirstOrThrow({ where: { policyId: id } })).customHeadersEnc).toBe(
      null,
    );
  });

  it("refuses a reserved header name with its code, on the headers field", async () => {
    const { project } = await setup();
    const r = await webhooks.createPolicyAction(project.name, input({ custom_headers: { Host: "evil.example" } }));
    expect(r).toMatchObject({ ok: false, code: "invalid_header_name", field: "targets.0.custom_headers" });
    if (!r.ok) expect(fieldForPath(r.field)).toBe("customHeaders");
  });
});

describe("the template preview", () => {
  it("renders the sample event of the chosen type in this project", async () => {
    const { project } = await setup();
    const text = TEMPLATE_PRESETS.find((p) => p.id === "text")!;
    const r = await webhooks.previewTemplateAction(project.name, text.template, text.contentType, "DELETE_ARTIFACT");
    const preview = dataOf(r);
    expect(preview).toMatchObject({ ok: true, contentType: text.contentType });
    if (preview?.ok) expect(preview.body).toMatch(/^Artifact deleted: harbor\/alpine:3\.8\n/);
    const own = await webhooks.previewTemplateAction(project.name, "{{ project.name | json }}", null, "PUSH_ARTIFACT");
    expect(dataOf(own)).toEqual({ ok: true, body: JSON.stringify(project.name), contentType: "application/json" });
  });

  it("says where a template fails, and refuses a maintainer", async () => {
    const { project, maintainer } = await setup();
    const r = await webhooks.previewTemplateAction(project.name, "{\n\n  {{ x | nope }}", null, "PUSH_ARTIFACT");
    expect(dataOf(r)).toEqual({ ok: false, message: "line 3, column 3: undefined filter: nope", line: 3, column: 3 });
    const runaway = await webhooks.previewTemplateAction(
      project.name,
      "{% for i in (1..100000000) %}{% for j in (1..100000000) %}x{% endfor %}{% endfor %}",
      "text/plain",
      "PUSH_ARTIFACT",
    );
    expect(dataOf(runaway)).toMatchObject({ ok: false, message: expect.stringMatching(/limit/) });
    session.actor = maintainer.actor;
    const denied = await webhooks.previewTemplateAction(project.name, "{}", null, "PUSH_ARTIFACT");
    expect(denied).toMatchObject({ ok: false, code: "forbidden" });
  });
});
