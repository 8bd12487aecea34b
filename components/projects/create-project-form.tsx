"use client";
import { useActionState, useState } from "react";
import { createProjectAction } from "@/app/projects/actions";
import { Button, Field, Notice, inputClass } from "@/components/ui";
import { useOnActionSuccess } from "@/components/ui/use-action-success";

export function CreateProjectForm() {
  const [state, action, pending] = useActionState(createProjectAction, null);
  // Controlled, so a refused name stays in the field (React resets uncontrolled fields after an action).
  const [name, setName] = useState("");
  useOnActionSuccess(state, () => setName(""));
  const fieldError = state && !state.ok && state.field === "name" ? state.message : undefined;
  return (
    <form action={action} className="space-y-3">
      {state?.ok && <Notice tone="green">Project {state.data?.name} created.</Notice>}
      {state && !state.ok && !fieldError && <Notice tone="red">{state.message}</Notice>}
      <Field
        label="Project name"
        htmlFor="project-name"
        error={fieldError}
        hint="Lower case, e.g. library or team-a. It is the first path segment of its repositories."
      >
        <input
          id="project-name"
          name="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          className={inputClass}
          aria-invalid={!!fieldError}
          aria-describedby={fieldError ? "project-name-error" : undefined}
        />
      </Field>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="public" /> Public (any signed-in user can see it)
      </label>
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create project"}
      </Button>
    </form>
  );
}
