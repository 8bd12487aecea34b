"use client";
import { useState } from "react";
import { createProjectAction } from "@/app/projects/actions";
import { Button, Field, Notice, inputClass } from "@/components/ui";
import { useOnActionSuccess } from "@/components/ui/use-action-success";
import { useFormAction } from "@/components/ui/use-form-action";
import { describedBy } from "@/lib/shared/form-result";

const FIELD_IDS = { name: "project-name", public: "project-public" } as const;

export function CreateProjectForm() {
  const { state, pending, onSubmit, errorFor, generalError } = useFormAction(createProjectAction, FIELD_IDS);
  const [name, setName] = useState("");
  const [isPublic, setPublic] = useState(false);
  useOnActionSuccess(state, () => {
    setName("");
    setPublic(false);
  });
  const nameError = errorFor("name");
  return (
    <form onSubmit={onSubmit} className="space-y-3" aria-label="Create a project">
      {state?.ok && <Notice tone="green">Project {state.data?.name} created.</Notice>}
      {generalError && <Notice tone="red">{generalError}</Notice>}
      <Field
        label="Project name"
        htmlFor={FIELD_IDS.name}
        error={nameError}
        hint="Lower case, e.g. library or team-a. It is the first path segment of its repositories."
      >
        <input
          id={FIELD_IDS.name}
          name="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          className={inputClass}
          aria-invalid={!!nameError}
          aria-describedby={describedBy(FIELD_IDS.name, nameError)}
        />
      </Field>
      <label className="flex items-center gap-2 text-sm">
        <input
          id={FIELD_IDS.public}
          type="checkbox"
          name="public"
          checked={isPublic}
          onChange={(e) => setPublic(e.target.checked)}
        />
        Public (any signed-in user can see it)
      </label>
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create project"}
      </Button>
    </form>
  );
}
