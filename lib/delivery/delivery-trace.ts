/**
 * The spans of one delivery attempt, in the trace of the event it delivers (the event's `ingest`
 * span, lib/events/ingest-trace.ts, is the parent):
 *
 *   deliver            from the claim that took the task until its outcome is recorded
 *   ├─ claim           the worker's claim round (claim and load), shared by the batch's tasks
 *   ├─ render          the payload
 *   ├─ send            the request; its context is the `traceparent` the receiver gets
 *   └─ record          from the outcome until the recorder's batch holding it has committed
 *
 * Made by the worker only while tracing is on; every method is then cheap, and none throws.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from "@opentelemetry/api";
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_URL_FULL,
} from "@opentelemetry/semantic-conventions";
import { ATTR } from "@/lib/tracing/attributes";
import { errorSummary } from "@/lib/tracing/error-summary";
import { contextOf, traceparentOf } from "@/lib/tracing/tracer";
import type { ClaimedTask } from "@/lib/delivery/load";
import type { SendResult, TaskOutcome } from "@/lib/delivery/outcome";
import { redactUrl, targetHost } from "@/lib/delivery/target-address";

/** A claim round while tracing is on: the tracer, its times (performance.now() readings), how many tasks it took. */
export type ClaimRound = { tracer: Tracer; startedAt: number; loadedAt: number; tasks: number };

export class DeliveryTrace {
  /**
   * Wall-clock milliseconds at performance.now() = 0, read once: every time of this attempt's spans
   * is given on it, so a child never sits outside its parent by the SDK's per-span clock reading.
   */
  private readonly origin = Date.now() - performance.now();
  private readonly tracer: Tracer;
  private readonly deliver: Span;
  private readonly inside: Context;
  private sending?: Span;
  private recording?: Span;

  constructor(
    private readonly task: ClaimedTask,
    claim: ClaimRound,
  ) {
    const { event, policy, target } = task.execution;
    this.tracer = claim.tracer;
    this.deliver = this.tracer.startSpan(
      "deliver",
      {
        kind: SpanKind.CONSUMER,
        startTime: this.at(claim.startedAt),
        attributes: {
          // A grouped delivery's event object stands for several events (load.ts gives it the
          // task's id, negated); its trace is its first event's.
          ...(event.id > 0 ? { [ATTR.eventId]: event.id } : { [ATTR.grouped]: true }),
          [ATTR.eventType]: event.type,
          [ATTR.projectId]: policy.projectId,
          [ATTR.policyId]: policy.id,
          [ATTR.targetId]: target.id,
          [ATTR.targetType]: target.type,
          [ATTR.taskId]: task.id,
          [ATTR.attempt]: task.runCount + 1,
        },
      },
      contextOf(event.traceContext),
    );
    this.inside = trace.setSpan(ROOT_CONTEXT, this.deliver);
    this.tracer
      .startSpan(
        "claim",
        { startTime: this.at(claim.startedAt), attributes: { [ATTR.claimTasks]: claim.tasks } },
        this.inside,
      )
      .end(this.at(claim.loadedAt));
  }

  /** A performance.now() reading (now by default) as wall-clock milliseconds on this trace's clock. */
  private at(reading = performance.now()): number {
    return this.origin + reading;
  }

  /** Runs the payload's rendering in a `render` span; a template that fails marks it ERROR. */
  render<T>(fn: () => T): T {
    const span = this.tracer.startSpan(
      "render",
      { startTime: this.at(), attributes: { [ATTR.payloadFormat]: this.task.execution.target.payloadFormat } },
      this.inside,
    );
    try {
      return fn();
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorSummary(err) });
      throw err;
    } finally {
      span.end(this.at());
    }
  }

  /** Opens the `send` span; answers the `traceparent` an HTTP request carries (the send span's). */
  startSend(): string {
    const { type, address } = this.task.execution.target;
    // Where it went, as the task log shows it: an http target's URL without credentials or query,
    // a chat tool's host only (its path holds the webhook's secret), nothing of an email address.
    const where =
      type === "http"
        ? { [ATTR_URL_FULL]: redactUrl(address), [ATTR_SERVER_ADDRESS]: targetHost(address) }
        : type === "email"
          ? {}
          : { [ATTR_SERVER_ADDRESS]: targetHost(address) };
    this.sending = this.tracer.startSpan(
      "send",
      {
        kind: SpanKind.CLIENT,
        startTime: this.at(),
        attributes: type === "email" ? where : { [ATTR_HTTP_REQUEST_METHOD]: "POST", ...where },
      },
      this.inside,
    );
    return traceparentOf(this.sending);
  }

  /** Ends the `send` span with the answer: the HTTP status, or why there was none. */
  sent(result: SendResult) {
    const span = this.sending;
    if (!span) return;
    if (result.status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, result.status);
    if (!result.ok) {
      span.setAttribute(
        ATTR_ERROR_TYPE,
        result.status !== undefined ? String(result.status) : (result.errorKind ?? "error"),
      );
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorSummary(result.error ?? "failed") });
    }
    span.end(this.at());
  }

  /** The attempt's outcome is known: the `deliver` span says what it was, and `record` opens. */
  recordingOutcome(outcome: TaskOutcome) {
    this.deliver.setAttribute(ATTR.outcome, outcome.kind);
    const status = outcome.kind !== "postponed" ? outcome.attempt?.responseStatus : undefined;
    if (status !== undefined && status !== null) this.deliver.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    if (outcome.kind === "retry" || outcome.kind === "failed")
      this.deliver.setStatus({ code: SpanStatusCode.ERROR, message: errorSummary(outcome.reason) });
    this.recording = this.tracer.startSpan("record", { startTime: this.at() }, this.inside);
  }

  /** The outcome is committed (in a batch of `batch` outcomes): the attempt's trace is complete. */
  recorded(batch: number) {
    this.recording?.setAttribute(ATTR.recordBatch, batch);
    this.end();
  }

  /** The worker stopped before the outcome could be written: its task is delivered again after the lease. */
  notRecorded() {
    this.recording?.setStatus({ code: SpanStatusCode.ERROR, message: "not recorded before the worker stopped" });
    this.end();
  }

  /** The delivery threw (a bug, not a failed request): the task is postponed. */
  crashed(err: unknown) {
    this.deliver.setStatus({ code: SpanStatusCode.ERROR, message: `delivery crashed: ${errorSummary(err)}` });
  }

  /** The claimed task was given back to the queue without an attempt (the worker had no room for it). */
  released() {
    this.deliver.setAttribute(ATTR.outcome, "released");
    this.end();
  }

  private end() {
    const now = this.at();
    this.recording?.end(now);
    this.deliver.end(now);
  }
}
