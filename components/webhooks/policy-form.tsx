"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import {
  createPolicyAction,
  isPolicyNameTakenAction,
  updatePolicyAction,
} from "@/app/projects/[project]/webhooks/actions";
import { Button, Card, LinkButton, Notice, inputClass } from "@/components/ui";
import { SecretReveal } from "@/components/webhooks/secret-reveal";
import { DEFAULT_RETRY_POLICY } from "@/lib/shared/retry-policy";
import { GROUPING_WINDOW_MAX, GROUPING_WINDOW_MIN, policyNameTakenMessage } from "@/lib/shared/policy-input";
import {
  EVENT_LABELS,
  eventTypesFor,
  isOperationalEventType,
  NOTIFY_TYPES,
  payloadFormatsOf,
  type AnyEventType,
} from "@/lib/shared/events";
import { ConditionsFields } from "@/components/webhooks/conditions-fields";
import { CustomHeadersField } from "@/components/webhooks/custom-headers-field";
import { FieldError, Hint, describedBy, labelClass } from "@/components/webhooks/form-parts";
import { TemplateEditor } from "@/components/webhooks/template-editor";
import { NOTIFY_TYPE_INFO, NotifyTypeBadge, notifyTypeLabel } from "@/components/webhooks/notify-type-info";
import {
  FORM_FIELD_IDS,
  addError,
  movesOrigin,
  formToPolicyInput,
  retryBounds,
  validatePolicyForm,
  type FormErrors,
  type FormField,
  type PolicyForForm,
  type PolicyFormValues,
} from "@/lib/shared/policy-form";
import { webhooksBase, type WebhookScope } from "@/lib/shared/webhook-scope";

type Props = {
  /** A project's name, or null for the instance-wide webhooks. */
  project: WebhookScope;
  /** present when editing */
  policyId?: number;
  initial: PolicyFormValues;
  /** targets beyond the first (set through the API), kept unchanged */
  extraTargets: PolicyForForm["targets"];
  defaults: { maxAttempts: number; timeoutSeconds: number };
  signingOverlapHours: number;
};

const ids = FORM_FIELD_IDS;

const radioLabel =
  "flex items-center gap-2 rounded-md border border-slate-300 px-3 py-1.5 text-sm has-[:checked]:border-sky-600 has-[:checked]:bg-sky-50";

export function PolicyForm({ project, policyId, initial, extraTargets, defaults, signingOverlapHours }: Props) {
  const router = useRouter();
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<FormErrors>({});
  const [takenName, setTakenName] = useState<string>();
  const [pending, setPending] = useState(false);
  const [created, setCreated] = useState<{ id: number; secret: string }>();
  // Saved, but the network guard would refuse the address: said under the address field.
  const [addressWarning, setAddressWarning] = useState<string>();
  const formRef = useRef<HTMLFormElement>(null);
  const base = webhooksBase(project);
  const http = values.notifyType === "http";
  const typeInfo = NOTIFY_TYPE_INFO[values.notifyType];
  const formats = payloadFormatsOf(values.notifyType);
  const custom = values.payloadFormat === "Custom" && formats.includes("Custom");
  // The stored auth header stays with its origin: moving the address elsewhere drops it on save.
  const headerDropped =
    http &&
    values.authHeaderStored &&
    values.authHeaderAction === "keep" &&
    movesOrigin(initial.address, values.address);

  const set = <K extends keyof PolicyFormValues>(key: K, value: PolicyFormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    if (key === "address") setAddressWarning(undefined);
    const field = (key === "authHeaderAction" ? "authHeader" : key) as FormField;
    if (errors[field]) setErrors((e) => ({ ...e, [field]: undefined }));
  };

  // The name is checked as it is typed (debounced): names are unique within the project. The answer
  // counts only while the field still holds the name it was about.
  const typedName = values.name.trim();
  const nameTaken =
    typedName && takenName === typedName ? policyNameTakenMessage(typedName, project === null) : undefined;
  useEffect(() => {
    if (!typedName) return;
    let current = true;
    const timer = setTimeout(async () => {
      const r = await isPolicyNameTakenAction(project, typedName, policyId);
      if (current) setTakenName(r.ok && r.data ? typedName : undefined);
    }, 350);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [typedName, project, policyId]);

  function focusFirstError(errs: FormErrors) {
    const first = (Object.keys(ids) as FormField[]).find((f) => errs[f]);
    if (!first) return;
    const el = formRef.current?.querySelector<HTMLElement>(`#${ids[first]}`);
    if (el && el.tagName === "FIELDSET") el.querySelector<HTMLElement>("input")?.focus();
    else el?.focus();
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const checked = validatePolicyForm(values, extraTargets);
    const errs: FormErrors = checked.ok ? {} : checked.errors;
    if (nameTaken && !errs.name) errs.name = nameTaken;
    if (!checked.ok || nameTaken) {
      setErrors(errs);
      focusFirstError(errs);
      return;
    }
    setPending(true);
    setErrors({});
    const input = formToPolicyInput(values, extraTargets);
    try {
      if (policyId === undefined) {
        const r = await createPolicyAction(project, input);
        if (r.ok) {
          setAddressWarning(r.data!.warnings.find((w) => w.field === "targets.0.address")?.message);
          setCreated({ id: r.data!.id, secret: r.data!.signingSecret });
          router.refresh();
          return;
        }
        const next = addError({}, r.field, r.message);
        setErrors(next);
        focusFirstError(next);
      } else {
        const r = await updatePolicyAction(project, policyId, input);
        const warning = r.ok ? r.data!.warnings.find((w) => w.field === "targets.0.address")?.message : undefined;
        setAddressWarning(warning);
        if (r.ok) {
          // A warning keeps the form open so it can be read (and the address fixed); the policy is saved.
          if (warning) router.refresh();
          else router.push(`${base}/${policyId}?saved=1`);
          return;
        }
        const next = addError({}, r.field, r.message);
        setErrors(next);
        focusFirstError(next);
      }
    } catch {
      setErrors({ form: "The server could not be reached. Check your connection, then save again." });
    } finally {
      setPending(false);
    }
  }

  const warningElement = addressWarning && (
    <p role="status" data-testid="address-warning" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
      Saved. {addressWarning}
    </p>
  );

  if (created) {
    return (
      <div className="space-y-4">
        <Notice tone="green">Webhook “{values.name}” created.</Notice>
        {warningElement}
        <SecretReveal title="Signing secret" secret={created.secret}>
          <p>
            Every HTTP delivery is signed with this secret (Standard Webhooks: <code>webhook-id</code>,{" "}
            <code>webhook-timestamp</code>, <code>webhook-signature</code> headers), so your receiver can check that a
            request came from here.
          </p>
          <p>
            <strong>Copy it now: it is shown only this once.</strong> If you lose it, rotate the key on the
            webhook&apos;s page: the old key keeps signing for {signingOverlapHours} hours after a rotation.
          </p>
        </SecretReveal>
        <div className="flex gap-2">
          <LinkButton variant="primary" href={`${base}/${created.id}`}>
            Continue to the webhook
          </LinkButton>
          <LinkButton href={base}>Back to all webhooks</LinkButton>
        </div>
      </div>
    );
  }

  const nameError = errors.name ?? nameTaken;
  const allErrors = { ...errors, name: nameError };
  const eventChoices = eventTypesFor(project === null);
  const toggleEvent = (t: AnyEventType, on: boolean) =>
    set(
      "eventTypes",
      on
        ? eventChoices.filter((x) => x === t || values.eventTypes.includes(x))
        : values.eventTypes.filter((x) => x !== t),
    );
  const eventCheckbox = (t: AnyEventType) => (
    <label key={t} className="flex items-center gap-2 text-sm">
      <input
        type="checkbox"
        name="eventTypes"
        value={t}
        checked={values.eventTypes.includes(t)}
        onChange={(e) => toggleEvent(t, e.target.checked)}
      />
      {EVENT_LABELS[t]}
    </label>
  );
  const operationalChoices = eventChoices.filter(isOperationalEventType);
  const advancedOpen = !!(
    initial.repositoryPattern ||
    initial.tagPattern ||
    initial.groupingWindow ||
    initial.maxAttempts ||
    initial.backoffSeconds ||
    initial.timeoutSeconds
  );
  const attemptsBounds = retryBounds("max_attempts");
  const timeoutBounds = retryBounds("timeout_ms");
  const backoffBounds = retryBounds("backoff_base_ms");

  return (
    <form
      ref={formRef}
      onSubmit={submit}
      noValidate
      className="space-y-6"
      aria-label={policyId === undefined ? "New webhook" : "Edit webhook"}
    >
      {errors.form && <Notice tone="red">{errors.form}</Notice>}

      <Card title="Webhook">
        <div className="grid gap-4 md:grid-cols-2">
          <div className="space-y-1">
            <label htmlFor={ids.name} className={labelClass}>
              Name{" "}
              <span aria-hidden className="text-red-700">
                *
              </span>
            </label>
            <input
              id={ids.name}
              value={values.name}
              onChange={(e) => set("name", e.target.value)}
              required
              autoComplete="off"
              className={inputClass}
              aria-invalid={!!nameError}
              aria-describedby={describedBy("name", allErrors)}
            />
            <FieldError field="name" errors={allErrors} />
            <Hint field="name">
              {project === null ? "Unique among the instance-wide webhooks." : "Unique within the project."}
            </Hint>
          </div>
          <div className="space-y-1 md:row-span-2">
            <label htmlFor={ids.description} className={labelClass}>
              Description
            </label>
            <textarea
              id={ids.description}
              value={values.description}
              onChange={(e) => set("description", e.target.value)}
              rows={4}
              className={inputClass}
              aria-invalid={!!errors.description}
              aria-describedby={describedBy("description", errors, false)}
            />
            <FieldError field="description" errors={errors} />
          </div>
          {project === null && (
            <div className="space-y-1">
              <label htmlFor={ids.projectPattern} className={labelClass}>
                Projects
              </label>
              <input
                id={ids.projectPattern}
                value={values.projectPattern}
                onChange={(e) => set("projectPattern", e.target.value)}
                placeholder="team-*"
                className={`${inputClass} font-mono`}
                aria-invalid={!!errors.projectPattern}
                aria-describedby={describedBy("projectPattern", errors)}
              />
              <FieldError field="projectPattern" errors={errors} />
              <Hint field="projectPattern">
                A glob matched against the project name, for projects that exist now and those created later. Examples:{" "}
                <code>team-*</code>, <code>{"{library,prod-*}"}</code>. Empty: every project.
              </Hint>
            </div>
          )}
        </div>
      </Card>

      <Card title="Endpoint">
        <div className="space-y-5">
          <fieldset
            id={ids.notifyType}
            className="space-y-2"
            aria-describedby={describedBy("notifyType", errors, false)}
          >
            <legend className={labelClass}>Notify type</legend>
            <div className="flex flex-wrap gap-2">
              {NOTIFY_TYPES.map((type) => (
                <label key={type} className={radioLabel}>
                  <input
                    type="radio"
                    name="notifyType"
                    value={type}
                    // The badge is decoration: the type's name alone names the choice.
                    aria-label={notifyTypeLabel(type)}
                    checked={values.notifyType === type}
                    onChange={() => set("notifyType", type)}
                  />{" "}
                  <NotifyTypeBadge type={type} /> {notifyTypeLabel(type)}
                </label>
              ))}
            </div>
            <FieldError field="notifyType" errors={errors} />
            <p className="text-xs text-slate-600" data-testid="notify-type-hint">
              {typeInfo.hint}
            </p>
            {values.notifyType === "slack" && (
              <Notice tone="amber">
                Slack accepts about one message per second per incoming webhook. Messages to a Slack webhook are paced
                to that rate, and when Slack answers 429 the delivery waits for its Retry-After, without holding up
                other webhooks. Slack always gets a Slack message, whatever the payload format.
              </Notice>
            )}
            {values.notifyType === "email" && (
              <Notice tone="amber">
                Each event is one email (plain text and HTML) to every recipient, with a link to the delivery when
                EXTERNAL_URL is set. Emails are paced to the SMTP server; a rejected recipient fails the delivery with
                the server&apos;s reply in its log.
              </Notice>
            )}
            {!http && values.notifyType !== "slack" && values.notifyType !== "email" && (
              <Notice tone="amber">
                {notifyTypeLabel(values.notifyType)} limits how fast one webhook may post. Messages to a webhook are
                paced to that rate, and when it answers 429 the delivery waits as it asks, without holding up other
                webhooks. {notifyTypeLabel(values.notifyType)} always gets its own message (an event summary with a link
                to the delivery when EXTERNAL_URL is set), unless you write your own with the Custom payload format.
              </Notice>
            )}
          </fieldset>

          {formats.length > 1 && (
            <fieldset
              id={ids.payloadFormat}
              // min-w-0: a fieldset is as wide as its widest line by default; the template's preview scrolls instead.
              className="min-w-0 space-y-2"
              aria-describedby={describedBy("payloadFormat", errors)}
            >
              <legend className={labelClass}>Payload format</legend>
              <div className="flex flex-wrap gap-2">
                {formats.map((format) => (
                  <label key={format} className={radioLabel}>
                    <input
                      type="radio"
                      name="payloadFormat"
                      value={format}
                      checked={
                        values.payloadFormat === format ||
                        (format === "Default" && !formats.includes(values.payloadFormat))
                      }
                      onChange={() => set("payloadFormat", format)}
                    />{" "}
                    {format}
                  </label>
                ))}
              </div>
              <FieldError field="payloadFormat" errors={errors} />
              <Hint field="payloadFormat">
                {http ? (
                  <>
                    Default is Harbor&apos;s JSON (<code>type</code>, <code>occur_at</code>, <code>operator</code>,{" "}
                    <code>event_data</code>). CloudEvents is a CloudEvents 1.0 structured message (
                    <code>application/cloudevents+json</code>).{" "}
                  </>
                ) : (
                  <>Default is {notifyTypeLabel(values.notifyType)}&apos;s own message. </>
                )}
                Custom is a body you write as a Liquid template.
              </Hint>
              {custom && (
                <TemplateEditor
                  project={project}
                  template={values.payloadTemplate}
                  contentType={values.contentType}
                  onTemplate={(v) => set("payloadTemplate", v)}
                  onContentType={(v) => set("contentType", v)}
                  templateError={errors.payloadTemplate}
                  contentTypeError={errors.contentType}
                />
              )}
            </fieldset>
          )}

          <div className="space-y-1">
            <label htmlFor={ids.address} className={labelClass}>
              {typeInfo.urlLabel}{" "}
              <span aria-hidden className="text-red-700">
                *
              </span>
            </label>
            <input
              id={ids.address}
              type={values.notifyType === "email" ? "text" : "url"}
              inputMode={values.notifyType === "email" ? "email" : "url"}
              value={values.address}
              onChange={(e) => set("address", e.target.value)}
              required
              autoComplete="off"
              placeholder={typeInfo.placeholder}
              className={inputClass}
              aria-invalid={!!errors.address}
              aria-describedby={describedBy("address", errors)}
            />
            <FieldError field="address" errors={errors} />
            {warningElement}
            {headerDropped && (
              <p
                role="status"
                data-testid="origin-change-note"
                className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900"
              >
                This address is on another origin (scheme, host or port) than the saved one. The stored auth header is
                not sent there: it is removed when you save, unless you replace it with a new one.
              </p>
            )}
            <Hint field="address">
              {values.notifyType === "email"
                ? "mailto: followed by up to 20 addresses, separated by commas."
                : "Deliveries are POSTed here. Loopback, private and link-local addresses are refused unless a system admin allows their network."}
            </Hint>
          </div>

          {http && (
            <div className="space-y-1">
              <label htmlFor={ids.authHeader} className={labelClass}>
                Auth header
              </label>
              {values.authHeaderStored && values.authHeaderAction === "keep" ? (
                <div className="flex flex-wrap items-center gap-2">
                  <input
                    id={ids.authHeader}
                    value="••••••••"
                    readOnly
                    aria-readonly
                    className={`${inputClass} max-w-xs bg-slate-50`}
                    aria-describedby={describedBy("authHeader", errors)}
                  />
                  <Button type="button" variant="secondary" onClick={() => set("authHeaderAction", "replace")}>
                    Replace
                  </Button>
                  <Button type="button" variant="ghost" onClick={() => set("authHeaderAction", "remove")}>
                    Remove
                  </Button>
                </div>
              ) : values.authHeaderStored && values.authHeaderAction === "remove" ? (
                <div className="flex flex-wrap items-center gap-2">
                  <p id={ids.authHeader} className="text-sm text-slate-700">
                    The auth header is removed when you save.
                  </p>
                  <Button type="button" variant="ghost" onClick={() => set("authHeaderAction", "keep")}>
                    Keep it
                  </Button>
                </div>
              ) : (
                <div className="flex flex-wrap items-center gap-2">
                  <input
                    id={ids.authHeader}
                    type="password"
                    value={values.authHeader}
                    onChange={(e) => set("authHeader", e.target.value)}
                    autoComplete="new-password"
                    placeholder="Bearer …"
                    className={`${inputClass} max-w-md`}
                    aria-invalid={!!errors.authHeader}
                    aria-describedby={describedBy("authHeader", errors)}
                  />
                  {values.authHeaderStored && (
                    <Button
                      type="button"
                      variant="ghost"
                      onClick={() => {
                        set("authHeader", "");
                        set("authHeaderAction", "keep");
                      }}
                    >
                      Keep the current one
                    </Button>
                  )}
                </div>
              )}
              <FieldError field="authHeader" errors={errors} />
              <Hint field="authHeader">
                Sent as the <code>Authorization</code> header, verbatim. Write-only: once saved it is stored encrypted
                and never shown again. It stays with the address&apos;s origin: an address moved to another scheme, host
                or port drops it.
              </Hint>
            </div>
          )}

          {http && (
            <CustomHeadersField
              headers={values.customHeaders}
              onChange={(v) => set("customHeaders", v)}
              error={errors.customHeaders}
            />
          )}

          {http && (
            <div className="space-y-1">
              <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
                <input
                  id={ids.verifyCert}
                  type="checkbox"
                  checked={values.verifyCert}
                  onChange={(e) => set("verifyCert", e.target.checked)}
                  aria-describedby={describedBy("verifyCert", errors)}
                />
                Verify remote certificate
              </label>
              <FieldError field="verifyCert" errors={errors} />
              <Hint field="verifyCert">
                Checks the endpoint&apos;s TLS certificate for https:// URLs. Uncheck it only for an endpoint with a
                self-signed certificate you trust.
              </Hint>
            </div>
          )}
        </div>
      </Card>

      <Card title="Event types">
        <fieldset id={ids.eventTypes} className="space-y-2" aria-describedby={describedBy("eventTypes", errors)}>
          <legend className="sr-only">Event types</legend>
          <div className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
            {eventChoices.filter((t) => !isOperationalEventType(t)).map(eventCheckbox)}
          </div>
          {operationalChoices.length > 0 && (
            <div className="space-y-1 border-t border-slate-100 pt-2">
              <p className="text-sm font-medium text-slate-800">Operational events</p>
              <p className="text-xs text-slate-500">
                Raised by this service about every webhook&apos;s deliveries: a target paused or resumed, and digests of
                deliveries that failed after all retries. A webhook that selects them is an operations channel.
              </p>
              <div className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3">{operationalChoices.map(eventCheckbox)}</div>
            </div>
          )}
          <div className="flex gap-2">
            <Button
              type="button"
              variant="ghost"
              className="px-2 py-1 text-xs"
              onClick={() => set("eventTypes", [...eventChoices])}
            >
              Select all
            </Button>
            <Button type="button" variant="ghost" className="px-2 py-1 text-xs" onClick={() => set("eventTypes", [])}>
              Clear
            </Button>
          </div>
          <FieldError field="eventTypes" errors={errors} />
          <Hint field="eventTypes">Choose at least one.</Hint>
        </fieldset>
      </Card>

      <details open={advancedOpen} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <summary className="cursor-pointer text-base font-semibold text-slate-900">
          Filters and retries (optional)
        </summary>
        <div className="mt-4 grid gap-4 md:grid-cols-2">
          <div className="space-y-1">
            <label htmlFor={ids.repositoryPattern} className={labelClass}>
              Repository pattern
            </label>
            <input
              id={ids.repositoryPattern}
              value={values.repositoryPattern}
              onChange={(e) => set("repositoryPattern", e.target.value)}
              placeholder={`${project ?? "library"}/*`}
              className={`${inputClass} font-mono`}
              aria-invalid={!!errors.repositoryPattern}
              aria-describedby={describedBy("repositoryPattern", errors)}
            />
            <FieldError field="repositoryPattern" errors={errors} />
            <Hint field="repositoryPattern">
              A glob matched against the full repository name. Examples: <code>{project ?? "library"}/alpine</code>,{" "}
              <code>{project ?? "*"}/app-*</code>, <code>**/nginx</code>. Empty: every repository.
            </Hint>
          </div>
          <div className="space-y-1">
            <label htmlFor={ids.tagPattern} className={labelClass}>
              Tag pattern
            </label>
            <input
              id={ids.tagPattern}
              value={values.tagPattern}
              onChange={(e) => set("tagPattern", e.target.value)}
              placeholder="v*"
              className={`${inputClass} font-mono`}
              aria-invalid={!!errors.tagPattern}
              aria-describedby={describedBy("tagPattern", errors)}
            />
            <FieldError field="tagPattern" errors={errors} />
            <Hint field="tagPattern">
              A glob matched against the event&apos;s tags. Examples: <code>v*</code>, <code>{"{latest,stable}"}</code>,{" "}
              <code>release-[0-9]*</code>. Empty: every tag, and events without tags.
            </Hint>
          </div>
          <div className="space-y-1">
            <label htmlFor={ids.groupingWindow} className={labelClass}>
              Grouping window (seconds)
            </label>
            <input
              id={ids.groupingWindow}
              type="number"
              inputMode="numeric"
              min={GROUPING_WINDOW_MIN}
              max={GROUPING_WINDOW_MAX}
              step={1}
              value={values.groupingWindow}
              onChange={(e) => set("groupingWindow", e.target.value)}
              placeholder="Off"
              className={inputClass}
              aria-invalid={!!errors.groupingWindow}
              aria-describedby={describedBy("groupingWindow", errors)}
            />
            <FieldError field="groupingWindow" errors={errors} />
            <Hint field="groupingWindow">
              Events of one type and repository within this many seconds ({GROUPING_WINDOW_MIN}–{GROUPING_WINDOW_MAX})
              are sent as one notification listing every resource, when the window closes; exact duplicates once. Empty:
              one notification per event.
            </Hint>
          </div>
          <div className="space-y-1">
            <label htmlFor={ids.maxAttempts} className={labelClass}>
              Max attempts
            </label>
            <input
              id={ids.maxAttempts}
              type="number"
              inputMode="numeric"
              min={attemptsBounds.min}
              max={attemptsBounds.max}
              step={1}
              value={values.maxAttempts}
              onChange={(e) => set("maxAttempts", e.target.value)}
              placeholder={`${defaults.maxAttempts} (system default)`}
              className={inputClass}
              aria-invalid={!!errors.maxAttempts}
              aria-describedby={describedBy("maxAttempts", errors)}
            />
            <FieldError field="maxAttempts" errors={errors} />
            <Hint field="maxAttempts">Attempts per delivery, the first one included. Empty: the system default.</Hint>
          </div>
          <div className="space-y-1">
            <label htmlFor={ids.timeoutSeconds} className={labelClass}>
              HTTP timeout (seconds)
            </label>
            <input
              id={ids.timeoutSeconds}
              type="number"
              inputMode="decimal"
              min={timeoutBounds.min / 1000}
              max={timeoutBounds.max / 1000}
              step="0.1"
              value={values.timeoutSeconds}
              onChange={(e) => set("timeoutSeconds", e.target.value)}
              placeholder={`${defaults.timeoutSeconds} (system default)`}
              className={inputClass}
              aria-invalid={!!errors.timeoutSeconds}
              aria-describedby={describedBy("timeoutSeconds", errors)}
            />
            <FieldError field="timeoutSeconds" errors={errors} />
            <Hint field="timeoutSeconds">
              How long to wait for the endpoint&apos;s answer. Empty: the system default.
            </Hint>
          </div>
          <div className="space-y-1">
            <label htmlFor={ids.backoffSeconds} className={labelClass}>
              First retry delay (seconds)
            </label>
            <input
              id={ids.backoffSeconds}
              type="number"
              inputMode="decimal"
              min={backoffBounds.min / 1000}
              max={backoffBounds.max / 1000}
              step="0.1"
              value={values.backoffSeconds}
              onChange={(e) => set("backoffSeconds", e.target.value)}
              placeholder={`${DEFAULT_RETRY_POLICY.backoffBaseMs / 1000} (default)`}
              className={inputClass}
              aria-invalid={!!errors.backoffSeconds}
              aria-describedby={describedBy("backoffSeconds", errors)}
            />
            <FieldError field="backoffSeconds" errors={errors} />
            <Hint field="backoffSeconds">
              The wait before the first retry; it doubles (with jitter) for each further one. A Retry-After from the
              endpoint wins.
            </Hint>
          </div>
        </div>
      </details>

      <ConditionsFields values={values} set={set} errors={errors} />

      {extraTargets.length > 0 && (
        <Notice tone="blue">
          This webhook has {extraTargets.length} more {extraTargets.length === 1 ? "target" : "targets"}, set through
          the API. This form edits the first one and keeps the others unchanged.
        </Notice>
      )}

      <div className="flex items-center gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : policyId === undefined ? "Add" : "Save"}
        </Button>
        <Link
          href={policyId === undefined ? base : `${base}/${policyId}`}
          className="rounded-md px-3 py-1.5 text-sm font-medium text-sky-800 hover:bg-sky-50"
        >
          Cancel
        </Link>
      </div>
    </form>
  );
}
