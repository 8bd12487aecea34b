"use client";
import { useState, useSyncExternalStore } from "react";
import {
  countFailedAction,
  redeliverFailedAction,
  redeliverTaskAction,
  stopExecutionAction,
} from "@/app/projects/[project]/webhooks/actions";
import { Button, Notice, inputClass } from "@/components/ui";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { describedBy } from "@/lib/shared/form-result";
import type { WebhookScope } from "@/lib/shared/webhook-scope";

/** Stops a pending or running execution: its task is marked Stopped and not sent again. */
export function StopExecutionButton({
  project,
  policyId,
  executionId,
}: {
  /** A project's name, or null for the instance-wide webhooks. */
  project: WebhookScope;
  policyId: number;
  executionId: number;
}) {
  return (
    <ConfirmDialog
      triggerLabel="Stop"
      triggerVariant="ghost"
      triggerClassName="px-2 py-1 text-xs text-red-700 hover:bg-red-50"
      triggerAriaLabel={`Stop execution ${executionId}`}
      title={`Stop execution ${executionId}?`}
      confirmLabel="Stop delivery"
      confirmVariant="danger"
      onConfirm={async () => {
        const r = await stopExecutionAction(project, policyId, executionId);
        if (!r.ok) return r.message;
      }}
    >
      <p>
        Its delivery is not attempted again. A request already on its way is not called back: what the endpoint answers
        is recorded in the history, and it is not retried. You can redeliver it later.
      </p>
    </ConfirmDialog>
  );
}

/** Sends a finished task again, with the same webhook-id (receivers can de-duplicate), once confirmed. */
export function RedeliverTaskButton({
  project,
  policyId,
  taskId,
  inProgress,
}: {
  /** A project's name, or null for the instance-wide webhooks. */
  project: WebhookScope;
  policyId: number;
  taskId: number;
  inProgress: boolean;
}) {
  const [result, setResult] = useState<{ ok: boolean; text: string }>();
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      {inProgress ? (
        // Stays on the page while the task runs again, so its message stays readable.
        <Button
          type="button"
          variant="secondary"
          className="px-2 py-1 text-xs"
          disabled
          title="The task is still in progress"
          aria-label={`Redeliver task ${taskId}`}
        >
          Redeliver
        </Button>
      ) : (
        <ConfirmDialog
          triggerLabel="Redeliver"
          triggerClassName="px-2 py-1 text-xs"
          triggerAriaLabel={`Redeliver task ${taskId}`}
          title={`Redeliver task ${taskId}?`}
          confirmLabel="Redeliver"
          onConfirm={async () => {
            const r = await redeliverTaskAction(project, policyId, taskId);
            if (!r.ok) return r.message;
            setResult({
              ok: true,
              text: r.data?.queued ? "Queued for redelivery." : "Nothing to redeliver: it is still in progress.",
            });
          }}
        >
          <p>
            The same message is sent to its endpoint again, with the same webhook-id, so a receiver that de-duplicates
            recognises it. The new attempts are added to this task&apos;s history.
          </p>
        </ConfirmDialog>
      )}
      {result && (
        <span
          role={result.ok ? "status" : "alert"}
          className={`text-xs ${result.ok ? "text-green-800" : "text-red-700"}`}
        >
          {result.text}
        </span>
      )}
    </span>
  );
}

function localInputValue(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

type TimeRange = { from: string; to: string };
type RangeInput = { from: string; to: string; include_stopped: boolean };

const deliveries = (n: number) => `${n} ${n === 1 ? "delivery" : "deliveries"}`;

/** "Redeliver 11 failed deliveries?" */
export function redeliverTitle(count: number, includeStopped: boolean): string {
  return `Redeliver ${count} ${includeStopped ? "failed or stopped" : "failed"} ${count === 1 ? "delivery" : "deliveries"}?`;
}

/** The last 24 hours (and the next hour, for clocks a little apart), in the browser's time zone. */
function defaultRange(): TimeRange {
  const now = Date.now();
  return {
    from: localInputValue(new Date(now - 24 * 3_600_000)),
    to: localInputValue(new Date(now + 60 * 60_000)),
  };
}

const subscribeToNothing = () => () => {};

/** "Redeliver failed in a time range": every task of this webhook that ended in Error then. */
export function RedeliverFailedForm({ project, policyId }: { project: WebhookScope; policyId: number }) {
  // The default range is the browser's clock and time zone, which server rendering (and hydration) do
  // not know: the form renders empty there, and is mounted afresh with the range once in the browser.
  const inBrowser = useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );
  return (
    <RedeliverFailedFields
      key={inBrowser ? "browser" : "server"}
      project={project}
      policyId={policyId}
      initialRange={inBrowser ? defaultRange() : { from: "", to: "" }}
    />
  );
}

function RedeliverFailedFields({
  project,
  policyId,
  initialRange,
}: {
  /** A project's name, or null for the instance-wide webhooks. */
  project: WebhookScope;
  policyId: number;
  initialRange: TimeRange;
}) {
  const [from, setFrom] = useState(initialRange.from);
  const [to, setTo] = useState(initialRange.to);
  const [includeStopped, setIncludeStopped] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string; field?: string }>();
  const [pending, setPending] = useState(false);

  /** The range and count the confirmation asks about (the count is read before asking). */
  const [confirm, setConfirm] = useState<{ range: RangeInput; count: number }>();

  function refused(r: { message: string; field?: string }) {
    const field = r.field === "from" || r.field === "to" ? r.field : undefined;
    setResult({ ok: false, text: r.message, field });
    if (field) document.getElementById(`redeliver-${field}`)?.focus();
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    // An empty picker is a time not chosen (the API's message would ask for ISO 8601 text).
    const missing = !from ? "from" : !to ? "to" : undefined;
    if (missing) return refused({ message: "Choose a date and time.", field: missing });
    // datetime-local has no time zone: the browser knows the user's, so it makes the instants.
    const toIso = (v: string) => (v && !Number.isNaN(new Date(v).getTime()) ? new Date(v).toISOString() : "");
    const range: RangeInput = { from: toIso(from), to: toIso(to), include_stopped: includeStopped };
    setPending(true);
    setResult(undefined);
    const r = await countFailedAction(project, policyId, range);
    setPending(false);
    if (!r.ok) return refused(r);
    const count = r.data?.count ?? 0;
    if (count === 0) {
      setResult({ ok: true, text: `No ${includeStopped ? "failed or stopped" : "failed"} delivery in that range.` });
      return;
    }
    setConfirm({ range, count });
  }

  async function redeliver(range: RangeInput, counted: number): Promise<string | void> {
    const r = await redeliverFailedAction(project, policyId, range);
    if (!r.ok) {
      refused(r);
      return;
    }
    const n = r.data?.queued ?? 0;
    setResult({
      ok: true,
      text:
        n === 0
          ? "No failed delivery in that range any more."
          : `${deliveries(n)} queued for redelivery.${n !== counted ? ` (${counted} were counted; the history changed meanwhile.)` : ""}`,
    });
  }

  const fieldError = (f: string) => (result && !result.ok && result.field === f ? result.text : undefined);
  return (
    <>
      <form onSubmit={submit} noValidate className="space-y-3" aria-label="Redeliver failed deliveries">
        <div className="grid gap-3">
          <div className="space-y-1">
            <label htmlFor="redeliver-from" className="block text-sm font-medium text-slate-800">
              From
            </label>
            <input
              id="redeliver-from"
              type="datetime-local"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              className={inputClass}
              aria-invalid={!!fieldError("from")}
              aria-describedby={describedBy("redeliver-from", fieldError("from"))}
            />
            {fieldError("from") && (
              <p id="redeliver-from-error" className="text-xs text-red-700">
                {fieldError("from")}
              </p>
            )}
          </div>
          <div className="space-y-1">
            <label htmlFor="redeliver-to" className="block text-sm font-medium text-slate-800">
              To
            </label>
            <input
              id="redeliver-to"
              type="datetime-local"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              className={inputClass}
              aria-invalid={!!fieldError("to")}
              aria-describedby={describedBy("redeliver-to", fieldError("to"))}
            />
            {fieldError("to") && (
              <p id="redeliver-to-error" className="text-xs text-red-700">
                {fieldError("to")}
              </p>
            )}
          </div>
        </div>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={includeStopped} onChange={(e) => setIncludeStopped(e.target.checked)} />{" "}
          Include stopped deliveries
        </label>
        <p className="text-xs text-slate-500">
          Times are in your browser&apos;s time zone. Deliveries keep their webhook-id, so receivers can recognise a
          repeat.
        </p>
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? "Counting…" : "Redeliver failed…"}
        </Button>
        {result && !result.field && <Notice tone={result.ok ? "green" : "red"}>{result.text}</Notice>}
      </form>
      <ConfirmDialog
        open={!!confirm}
        onClose={() => setConfirm(undefined)}
        title={confirm ? redeliverTitle(confirm.count, !!confirm.range.include_stopped) : ""}
        confirmLabel="Redeliver"
        onConfirm={async () => {
          if (confirm) return redeliver(confirm.range, confirm.count);
        }}
      >
        <p>
          Each is sent to its endpoint again, with its webhook-id, so receivers can recognise a repeat. Their new
          attempts are added to their history.
        </p>
      </ConfirmDialog>
    </>
  );
}
