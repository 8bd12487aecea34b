"use client";
import type { ReactNode } from "react";
import { inputClass } from "@/components/ui";
import { FieldError, Hint, describedBy, labelClass } from "@/components/webhooks/form-parts";
import { SEVERITY_LEVELS, type SeverityLevel } from "@/lib/shared/conditions";
import { FORM_FIELD_IDS, type FormErrors, type PolicyFormValues } from "@/lib/shared/policy-form";

const ids = FORM_FIELD_IDS;

type Props = {
  values: PolicyFormValues;
  set: <K extends keyof PolicyFormValues>(key: K, value: PolicyFormValues[K]) => void;
  errors: FormErrors;
};

/** Whether any condition is set (the section opens by itself then). */
function anySet(v: PolicyFormValues): boolean {
  return !!(v.scanMinSeverity || v.scanFixableOver || v.replicationResult || v.operatorPatterns || v.artifactPatterns);
}

/** A mode select (include only / exclude) beside a patterns textarea, one pattern per line. */
function PatternsField(
  props: {
    label: string;
    field: "operatorPatterns" | "artifactPatterns";
    modeKey: "operatorMode" | "artifactMode";
    placeholder: string;
    hint: ReactNode;
  } & Props,
) {
  const { values, set, errors, field, modeKey } = props;
  return (
    <div className="space-y-1">
      <label htmlFor={ids[field]} className={labelClass}>
        {props.label}
      </label>
      <select
        aria-label={`${props.label}: mode`}
        value={values[modeKey]}
        onChange={(e) => set(modeKey, e.target.value === "include" ? "include" : "exclude")}
        className={inputClass}
      >
        <option value="exclude">Skip events that match</option>
        <option value="include">Deliver only events that match</option>
      </select>
      <textarea
        id={ids[field]}
        rows={2}
        value={values[field]}
        onChange={(e) => set(field, e.target.value)}
        placeholder={props.placeholder}
        className={`${inputClass} font-mono`}
        aria-invalid={!!errors[field]}
        aria-describedby={describedBy(field, errors)}
      />
      <FieldError field={field} errors={errors} />
      <Hint field={field}>{props.hint}</Hint>
    </div>
  );
}

/** The policy's conditions on content (lib/shared/conditions.ts), each optional. */
export function ConditionsFields({ values, set, errors }: Props) {
  return (
    <details
      open={anySet(values)}
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
      aria-label="Conditions on content"
    >
      <summary className="cursor-pointer text-base font-semibold text-slate-900">
        Conditions on content (optional)
      </summary>
      <p className="mt-2 text-xs text-slate-500">
        An event a condition refuses is not delivered by this webhook and leaves no execution. Each condition concerns
        only the events it can judge.
      </p>
      <div className="mt-4 grid gap-4 md:grid-cols-2">
        <div className="space-y-1">
          <label htmlFor={ids.scanMinSeverity} className={labelClass}>
            Scan finished: severity at least
          </label>
          <select
            id={ids.scanMinSeverity}
            value={values.scanMinSeverity}
            onChange={(e) => set("scanMinSeverity", e.target.value as SeverityLevel | "")}
            className={inputClass}
            aria-invalid={!!errors.scanMinSeverity}
            aria-describedby={describedBy("scanMinSeverity", errors)}
          >
            <option value="">Any severity</option>
            {SEVERITY_LEVELS.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <FieldError field="scanMinSeverity" errors={errors} />
          <Hint field="scanMinSeverity">Scanning finished events of a lower severity are skipped.</Hint>
        </div>
        <div className="space-y-1">
          <label htmlFor={ids.scanFixableOver} className={labelClass}>
            Scan finished: more fixable vulnerabilities than
          </label>
          <input
            id={ids.scanFixableOver}
            type="number"
            inputMode="numeric"
            min={0}
            step={1}
            value={values.scanFixableOver}
            onChange={(e) => set("scanFixableOver", e.target.value)}
            placeholder="No threshold"
            className={inputClass}
            aria-invalid={!!errors.scanFixableOver}
            aria-describedby={describedBy("scanFixableOver", errors)}
          />
          <FieldError field="scanFixableOver" errors={errors} />
          <Hint field="scanFixableOver">With a severity too, either one lets the event through.</Hint>
        </div>
        <div className="space-y-1">
          <label htmlFor={ids.replicationResult} className={labelClass}>
            Replication result
          </label>
          <select
            id={ids.replicationResult}
            value={values.replicationResult}
            onChange={(e) =>
              set(
                "replicationResult",
                e.target.value === "failed" || e.target.value === "succeeded" ? e.target.value : "",
              )
            }
            className={inputClass}
            aria-invalid={!!errors.replicationResult}
            aria-describedby={describedBy("replicationResult", errors)}
          >
            <option value="">Every result</option>
            <option value="failed">Only failed replications</option>
            <option value="succeeded">Only succeeded replications</option>
          </select>
          <FieldError field="replicationResult" errors={errors} />
          <Hint field="replicationResult">A job with failed artifacts counts as failed.</Hint>
        </div>
        <PatternsField
          values={values}
          set={set}
          errors={errors}
          label="Operators"
          field="operatorPatterns"
          modeKey="operatorMode"
          placeholder={"robot$*\nharbor-jobservice"}
          hint={
            <>
              Globs matched against the event&apos;s operator, one per line. Example: <code>robot$*</code> skips robot
              accounts.
            </>
          }
        />
        <PatternsField
          values={values}
          set={set}
          errors={errors}
          label="Artifact types"
          field="artifactPatterns"
          modeKey="artifactMode"
          placeholder={"application/vnd.dev.cosign.*\napplication/spdx+json"}
          hint={
            <>
              Globs matched against the media type and artifact type the registry reports, one per line; events that
              name no type pass. Example: <code>application/vnd.dev.cosign.*</code> skips signatures.
            </>
          }
        />
      </div>
    </details>
  );
}
