import { describe, expect, it } from "vitest";
import { CHAT_TYPES, EVENT_TYPES } from "@/lib/shared/events";
import { isSecretUrl, maskSecretUrl, policyInputSchema, SECRET_MASK } from "@/lib/shared/policy-input";
import {
  addError,
  emptyPolicyForm,
  fieldForPath,
  formToPolicyInput,
  messageForField,
  movesOrigin,
  policyToFormValues,
  retryBounds,
  validatePolicyForm,
  type PolicyForForm,
  type PolicyFormValues,
} from "@/lib/shared/policy-form";

const form = (over: Partial<PolicyFormValues> = {}): PolicyFormValues => ({
  ...emptyPolicyForm(),
  name: "ci",
  address: "https://ci.example.com/hook",
  ...over,
});

const stored: PolicyForForm = {
  name: "ci",
  description: "build on push",
  enabled: false,
  event_types: ["PUSH_ARTIFACT", "DELETE_ARTIFACT"],
  targets: [
    {
      type: "http",
      address: "https://ci.example.com/hook",
      auth_header: SECRET_MASK,
      skip_cert_verify: true,
      payload_format: "CloudEvents",
    },
    {
      type: "slack",
      address: "https://hooks.slack.com/services/T/B/X",
      auth_header: "",
      skip_cert_verify: false,
      payload_format: "",
    },
  ],
  repository_pattern: "library/*",
  tag_pattern: "v*",
  retry_policy: { max_attempts: 5, backoff_base_ms: 1500, backoff_cap_ms: 60_000, timeout_ms: 2500 },
};

describe("policy form → policy input", () => {
  it("a new form is valid once it has a name and an URL, with every event type and the certificate verified", () => {
    const r = validatePolicyForm(form());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.input.event_types).toEqual([...EVENT_TYPES]);
    expect(r.input.targets).toEqual([
      {
        type: "http",
        address: "https://ci.example.com/hook",
        auth_header: null,
        skip_cert_verify: false,
        payload_format: "Default",
      },
    ]);
    expect(r.input.retry_policy).toBeNull();
    expect(r.input.repository_pattern).toBeNull();
  });

  it("unchecking 'verify remote certificate' sets skip_cert_verify", () => {
    const input = formToPolicyInput(form({ verifyCert: false })) as { targets: { skip_cert_verify: boolean }[] };
    expect(input.targets[0].skip_cert_verify).toBe(true);
  });

  it("Slack targets carry no payload format, auth header or certificate flag", () => {
    const input = formToPolicyInput(
      form({ notifyType: "slack", payloadFormat: "CloudEvents", authHeader: "Bearer x", verifyCert: false }),
    ) as { targets: unknown[] };
    expect(input.targets[0]).toEqual({
      type: "slack",
      address: "https://ci.example.com/hook",
      auth_header: null,
      skip_cert_verify: false,
      payload_format: null,
    });
    expect(policyInputSchema.safeParse(input).success).toBe(true);
  });

  it.each(CHAT_TYPES.map((t) => [t]))("%s targets are edited like Slack's and read back as their type", (type) => {
    const input = formToPolicyInput(
      form({ notifyType: type, payloadFormat: "CloudEvents", authHeader: "Bearer x", verifyCert: false }),
    ) as { targets: unknown[] };
    expect(input.targets[0]).toEqual({
      type,
      address: "https://ci.example.com/hook",
      auth_header: null,
      skip_cert_verify: false,
      payload_format: null,
    });
    expect(policyInputSchema.safeParse(input).success).toBe(true);
    const back = policyToFormValues({
      ...stored,
      targets: [
        { type, address: "https://chat.example.com/x", auth_header: "", skip_cert_verify: false, payload_format: "" },
      ],
    });
    expect(back.notifyType).toBe(type);
  });

  it("the stored auth header is kept with SECRET_MASK, replaced with a new value, or removed", () => {
    const values = policyToFormValues(stored);
    expect(values.authHeaderStored).toBe(true);
    expect(values.authHeaderAction).toBe("keep");
    const header = (v: PolicyFormValues) =>
      (formToPolicyInput(v) as { targets: { auth_header: unknown }[] }).targets[0].auth_header;
    expect(header(values)).toBe(SECRET_MASK);
    expect(header({ ...values, authHeaderAction: "replace", authHeader: "  Bearer new " })).toBe("Bearer new");
    expect(header({ ...values, authHeaderAction: "replace", authHeader: "" })).toBeNull();
    expect(header({ ...values, authHeaderAction: "remove", authHeader: "Bearer typed-then-removed" })).toBeNull();
    // without a stored header, "keep" cannot send the mask (it would keep nothing)
    expect(header(form({ authHeaderAction: "keep" }))).toBeNull();
  });

  it("round-trips a stored policy: every field, and the targets the form does not edit", () => {
    const values = policyToFormValues(stored);
    expect(values).toMatchObject({
      description: "build on push",
      enabled: false,
      notifyType: "http",
      payloadFormat: "CloudEvents",
      verifyCert: false,
      eventTypes: ["PUSH_ARTIFACT", "DELETE_ARTIFACT"],
      maxAttempts: "5",
      backoffSeconds: "1.5",
      timeoutSeconds: "2.5",
    });
    const r = validatePolicyForm(values, stored.targets.slice(1));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.input.enabled).toBe(false);
    expect(r.input.targets).toEqual([
      {
        type: "http",
        address: "https://ci.example.com/hook",
        auth_header: SECRET_MASK,
        skip_cert_verify: true,
        payload_format: "CloudEvents",
      },
      {
        type: "slack",
        address: "https://hooks.slack.com/services/T/B/X",
        auth_header: null,
        skip_cert_verify: false,
        payload_format: null,
      },
    ]);
    // the cap, which only the API sets, survives an edit in the form
    expect(r.input.retry_policy).toEqual({
      max_attempts: 5,
      backoff_base_ms: 1500,
      backoff_cap_ms: 60_000,
      timeout_ms: 2500,
    });
    expect(r.input.repository_pattern).toBe("library/*");
  });

  it("reports every invalid field, mapped to its input, in the form's words", () => {
    const r = validatePolicyForm(
      form({
        name: " ",
        address: "ftp://x",
        eventTypes: [],
        timeoutSeconds: "0.1",
        maxAttempts: "abc",
        tagPattern: "x".repeat(300),
      }),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual({
      name: "Enter a name.",
      address: "Enter a URL that starts with http:// or https://, such as https://ci.example.com/hook.",
      eventTypes: "Choose at least one event type.",
      timeoutSeconds: "Enter a number of seconds from 0.5 to 60, or leave it empty for the system default.",
      maxAttempts: "Enter a whole number from 1 to 20, or leave it empty for the system default.",
      tagPattern: "Use at most 256 characters.",
    });
  });

  it("a too-early backoff against the API's cap is explained", () => {
    const r = validatePolicyForm({ ...policyToFormValues(stored), backoffSeconds: "120" }, []);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.backoffSeconds).toMatch(/maximum delay/);
  });
});

describe("the note on an address moved to another origin", () => {
  it.each([
    ["https://ci.example.com/hook", "https://ci.example.com/other?x=1", false],
    ["https://ci.example.com/hook", "HTTPS://CI.example.com:443/hook", false],
    ["https://ci.example.com/hook", "https://ci.example.com.evil.test/hook", true],
    ["https://ci.example.com/hook", "http://ci.example.com/hook", true],
    ["https://ci.example.com/hook", "https://ci.example.com:8443/hook", true],
    ["https://ci.example.com/hook", "not a url yet", false],
    ["", "https://anything.example/", false],
  ])("%s → %s: %s", (saved, address, shown) => {
    expect(movesOrigin(saved, address)).toBe(shown);
  });
});

describe("server errors → form fields", () => {
  it.each([
    ["name", "name"],
    ["description", "description"],
    ["event_types", "eventTypes"],
    ["event_types.3", "eventTypes"],
    ["targets", "address"],
    ["targets.0.address", "address"],
    ["targets.0.type", "notifyType"],
    ["targets.0.auth_header", "authHeader"],
    ["targets.0.payload_format", "payloadFormat"],
    ["targets.0.skip_cert_verify", "verifyCert"],
    ["repository_pattern", "repositoryPattern"],
    ["tag_pattern", "tagPattern"],
    ["retry_policy.max_attempts", "maxAttempts"],
    ["retry_policy.timeout_ms", "timeoutSeconds"],
    ["retry_policy.backoff_base_ms", "backoffSeconds"],
    ["retry_policy.backoff_cap_ms", "backoffSeconds"],
  ])("%s → %s", (path, field) => {
    expect(fieldForPath(path)).toBe(field);
  });

  it("errors without a field of their own go to the form, saying where they are", () => {
    expect(fieldForPath("targets.1.address")).toBeUndefined();
    expect(fieldForPath(undefined)).toBeUndefined();
    expect(addError({}, "targets.1.address", "Enter a URL.")).toEqual({
      form: "Target 2 (set through the API): Enter a URL.",
    });
    expect(addError({}, undefined, "Your session has expired.")).toEqual({ form: "Your session has expired." });
  });

  it("a server refusal about a field is shown next to it (a 409 on the name, for one)", () => {
    expect(addError({}, "name", 'A webhook named "ci" already exists in this project.')).toEqual({
      name: 'A webhook named "ci" already exists in this project.',
    });
    expect(messageForField("targets.0.address", "Enter a URL.")).toBe("Enter a URL.");
    expect(messageForField("retry_policy.timeout_ms", "Enter a whole number of milliseconds from 500 to 60,000.")).toBe(
      "Enter a number of seconds from 0.5 to 60, or leave it empty for the system default.",
    );
  });

  it("the first error of a field wins", () => {
    const errors = addError(addError({}, "name", "first"), "name", "second");
    expect(errors.name).toBe("first");
  });

  it("reads the retry limits from the shared schema", () => {
    expect(retryBounds("max_attempts")).toEqual({ min: 1, max: 20 });
    expect(retryBounds("timeout_ms")).toEqual({ min: 500, max: 60_000 });
  });
});

describe("chat webhook URLs are secrets", () => {
  it.each([
    ["https://hooks.slack.com/services/T0/B0/slacksecret", "https://hooks.slack.com/services/T0/B0/••••••••"],
    ["https://discord.com/api/webhooks/123/discordsecret", "https://discord.com/api/webhooks/123/••••••••"],
    [
      "https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=chatsecret",
      "https://chat.googleapis.com/v1/spaces/AAA/••••••••",
    ],
    [
      "https://prod-1.westeurope.logic.azure.com:443/workflows/w1/triggers/manual/paths/invoke?api-version=1&sig=teamssecret",
      "https://prod-1.westeurope.logic.azure.com/workflows/w1/triggers/manual/paths/••••••••",
    ],
  ])("%s is masked for readers without webhook.secrets", (url, masked) => {
    expect(isSecretUrl(url)).toBe(true);
    expect(maskSecretUrl(url)).toBe(masked);
  });

  it("leaves other URLs as they are", () => {
    for (const url of ["https://ci.example.com/hooks/harbor?token=x", "https://notdiscord.com/api/webhooks/1/x"]) {
      expect(isSecretUrl(url)).toBe(false);
      expect(maskSecretUrl(url)).toBe(url);
    }
  });
});

describe("the grouping window field", () => {
  it("empty is off (null); a number of seconds is sent as it is; edit shows the stored value", () => {
    expect((formToPolicyInput(form()) as { grouping_window_seconds: unknown }).grouping_window_seconds).toBeNull();
    const ok = validatePolicyForm(form({ groupingWindow: " 15 " }));
    expect(ok.ok && ok.input.grouping_window_seconds).toBe(15);
    expect(policyToFormValues({ ...stored, grouping_window_seconds: 15 }).groupingWindow).toBe("15");
    expect(policyToFormValues(stored).groupingWindow).toBe("");
  });

  it.each(["0", "61", "1.5", "soon"])("%s is refused at the field", (value) => {
    const r = validatePolicyForm(form({ groupingWindow: value }));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.groupingWindow).toMatch(/grouping window/);
  });
});
