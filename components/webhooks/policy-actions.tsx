"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import {
  deletePolicyAction,
  resumeTargetAction,
  rotateSigningKeyAction,
  sendTestEventAction,
  setPolicyEnabledAction,
} from "@/app/projects/[project]/webhooks/actions";
import { Button, LinkButton, Notice, inputClass } from "@/components/ui";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { RowMenu } from "@/components/ui/row-menu";
import { SecretReveal } from "@/components/webhooks/secret-reveal";
import { Time } from "@/components/ui/time";
import { EVENT_LABELS, EVENT_TYPES, isEventType } from "@/lib/shared/events";
import { webhooksBase, type WebhookScope } from "@/lib/shared/webhook-scope";

type Flash = { tone: "green" | "red"; text: string; href?: string };

function FlashNotice({ flash }: { flash?: Flash }) {
  if (!flash) return null;
  return (
    <Notice tone={flash.tone}>
      {flash.text}
      {flash.href && (
        <>
          {" "}
          <Link href={flash.href} className="font-medium underline">
            See the executions
          </Link>
        </>
      )}
    </Notice>
  );
}

export type PolicyActionsProps = {
  /** A project's name, or null for the instance-wide webhooks. */
  project: WebhookScope;
  policy: { id: number; name: string; enabled: boolean; eventTypes: string[] };
  /** the grid shows short labels, the policy page full ones */
  layout: "row" | "page";
};

/** Edit, Enable/Deactivate, Delete and (a project's webhooks) Send test event, for those who may manage webhooks. */
export function PolicyActions({ project, policy, layout }: PolicyActionsProps) {
  const router = useRouter();
  const [flash, setFlash] = useState<Flash>();
  const base = webhooksBase(project);
  const item = layout === "row" ? "ghost" : "secondary";
  const testTypes = [
    ...policy.eventTypes.filter(isEventType),
    ...EVENT_TYPES.filter((t) => !policy.eventTypes.includes(t)),
  ];

  const row = layout === "row";
  const actions = (
    <>
      <LinkButton
        href={`${base}/${policy.id}/edit`}
        variant={item}
        aria-label={row ? `Edit ${policy.name}` : undefined}
      >
        Edit
      </LinkButton>

      <ConfirmDialog
        triggerLabel={policy.enabled ? "Deactivate" : "Enable"}
        triggerVariant={item}
        triggerAriaLabel={row ? `${policy.enabled ? "Deactivate" : "Enable"} ${policy.name}` : undefined}
        title={policy.enabled ? `Deactivate webhook “${policy.name}”?` : `Enable webhook “${policy.name}”?`}
        confirmLabel={policy.enabled ? "Deactivate" : "Enable"}
        onConfirm={async () => {
          const r = await setPolicyEnabledAction(project, policy.id, !policy.enabled);
          if (!r.ok) return r.message;
          setFlash({ tone: "green", text: r.message ?? "Saved." });
        }}
      >
        {policy.enabled ? (
          <p>
            While it is deactivated, new events are not delivered to this webhook, and they are not queued for later
            either. Deliveries already queued still go out; stop them from the executions list if you need to.
          </p>
        ) : (
          <p>
            Events that happen from now on are delivered to this webhook again. Events from while it was deactivated are
            not sent.
          </p>
        )}
      </ConfirmDialog>

      {/* A test event is an event of a project: the instance-wide webhooks get real events only. */}
      {project !== null && (
        <>
          <ConfirmDialog
            triggerLabel="Send test event"
            triggerVariant={item}
            triggerAriaLabel={row ? `Send a test event to ${policy.name}` : undefined}
            title={`Send a test event to “${policy.name}”`}
            confirmLabel="Send"
            onConfirm={async (form) => {
              const r = await sendTestEventAction(project, policy.id, form.get("eventType"));
              if (!r.ok) return r.message;
              const n = r.data?.deliveries ?? 0;
              const skipped = r.data?.skippedBecause;
              const verdict = skipped
                ? ` As a real event it would be skipped by this webhook's conditions: ${skipped}.`
                : " As a real event it would pass this webhook's conditions.";
              setFlash(
                n > 0
                  ? {
                      tone: "green",
                      text: `Test event sent: ${n} ${n === 1 ? "delivery" : "deliveries"} queued.${verdict}`,
                      href: `${base}/${policy.id}`,
                    }
                  : {
                      tone: "red",
                      text: "No delivery was queued: every target of this webhook is paused. Resume it first.",
                    },
              );
              router.refresh();
            }}
          >
            <p>
              Sends the sample payload of the chosen event type from Harbor&apos;s documentation, through the same
              delivery pipeline as real events (retries, signatures, the network guard). It goes to this webhook only,
              even when it is deactivated or its filters would not match, and appears in its executions.
            </p>
            <label htmlFor={`test-type-${policy.id}`} className="block text-sm font-medium text-slate-800">
              Event type
            </label>
            <select id={`test-type-${policy.id}`} name="eventType" defaultValue={testTypes[0]} className={inputClass}>
              {testTypes.map((t) => (
                <option key={t} value={t}>
                  {EVENT_LABELS[t]} ({t})
                </option>
              ))}
            </select>
          </ConfirmDialog>
        </>
      )}

      <ConfirmDialog
        triggerLabel="Delete"
        triggerVariant={row ? "dangerGhost" : "danger"}
        triggerAriaLabel={row ? `Delete ${policy.name}` : undefined}
        title={`Delete webhook “${policy.name}”?`}
        confirmLabel="Delete webhook"
        confirmVariant="danger"
        onConfirm={async () => {
          const r = await deletePolicyAction(project, policy.id);
          if (!r.ok) return r.message;
          // The row or page of this webhook is gone: say so on the list.
          router.push(`${base}?deleted=webhook`);
        }}
      >
        <p>The webhook, its signing keys and its delivery history are deleted.</p>
        <p>
          Deliveries that are still pending or waiting for a retry are stopped first, so nothing is sent to its
          endpoints after this. This cannot be undone.
        </p>
      </ConfirmDialog>
    </>
  );
  return (
    <div className="space-y-2">
      {row ? (
        <RowMenu label={`Actions for ${policy.name}`}>{actions}</RowMenu>
      ) : (
        <div className="flex flex-wrap items-center gap-1.5">{actions}</div>
      )}
      <FlashNotice flash={flash} />
    </div>
  );
}

/** Resume a paused target: queued deliveries to it go out again. */
export function ResumeTargetButton({
  project,
  policyId,
  targetId,
}: {
  /** A project's name, or null for the instance-wide webhooks. */
  project: WebhookScope;
  policyId: number;
  targetId: number;
}) {
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const [redeliver, setRedeliver] = useState(false);
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <Button
        type="button"
        variant="secondary"
        className="px-2 py-1 text-xs"
        disabled={pending}
        onClick={async () => {
          setPending(true);
          const r = await resumeTargetAction(project, policyId, targetId, redeliver);
          setPending(false);
          setError(r.ok ? undefined : r.message);
        }}
      >
        {pending ? "Resuming…" : "Resume"}
      </Button>
      <label className="inline-flex items-center gap-1 text-xs">
        <input type="checkbox" checked={redeliver} onChange={(e) => setRedeliver(e.target.checked)} />
        and redeliver what failed
      </label>
      {error && (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}

/** Rotate the signing key; the new secret is shown once, the old one keeps signing for the overlap. */
export function RotateSigningKey({
  project,
  policyId,
  overlapHours,
}: {
  /** A project's name, or null for the instance-wide webhooks. */
  project: WebhookScope;
  policyId: number;
  overlapHours: number;
}) {
  const [rotated, setRotated] = useState<{ secret: string; until: string }>();
  return (
    <div className="space-y-3">
      <ConfirmDialog
        triggerLabel="Rotate signing key"
        title="Rotate the signing key?"
        confirmLabel="Rotate"
        onConfirm={async () => {
          const r = await rotateSigningKeyAction(project, policyId);
          if (!r.ok) return r.message;
          setRotated({ secret: r.data!.signingSecret, until: r.data!.previousKeysExpireAt });
        }}
      >
        <p>A new signing secret is made and shown once. Deliveries are signed with it from now on.</p>
        <p>
          The current key keeps signing too, for {overlapHours} {overlapHours === 1 ? "hour" : "hours"} (the signing
          overlap in the system settings): each delivery carries both signatures, so your receiver can switch to the new
          secret without rejecting anything.
        </p>
      </ConfirmDialog>
      {rotated && (
        <SecretReveal title="New signing secret" secret={rotated.secret}>
          <p>Copy it now: it is not shown again.</p>
          <p>
            The previous key keeps signing until <Time date={rotated.until} />.
          </p>
        </SecretReveal>
      )}
    </div>
  );
}
