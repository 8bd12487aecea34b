"use client";
import { useState, useTransition } from "react";
import { addMemberAction, removeMemberAction, updateMemberRoleAction } from "@/app/projects/actions";
import { PROJECT_ROLES, ROLE_LABELS, type ProjectRole } from "@/lib/shared/roles";
import { describedBy } from "@/lib/shared/form-result";
import { Button, Field, Notice, inputClass } from "@/components/ui";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useOnActionSuccess } from "@/components/ui/use-action-success";
import { useFormAction } from "@/components/ui/use-form-action";

const FIELD_IDS = { username: "member-username", role: "member-role" } as const;

export function AddMemberForm({ project }: { project: string }) {
  const { state, pending, onSubmit, errorFor, generalError } = useFormAction(
    addMemberAction.bind(null, project),
    FIELD_IDS,
  );
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<ProjectRole>("developer");
  useOnActionSuccess(state, () => setUsername(""));
  const usernameError = errorFor("username");
  const roleError = errorFor("role");
  return (
    <form onSubmit={onSubmit} className="space-y-3" aria-label="Add a member">
      {state?.ok && <Notice tone="green">{state.message}</Notice>}
      {generalError && <Notice tone="red">{generalError}</Notice>}
      <Field label="User name" htmlFor={FIELD_IDS.username} error={usernameError}>
        <input
          id={FIELD_IDS.username}
          name="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
          className={inputClass}
          aria-invalid={!!usernameError}
          aria-describedby={describedBy(FIELD_IDS.username, usernameError)}
        />
      </Field>
      <Field label="Role" htmlFor={FIELD_IDS.role} error={roleError}>
        <select
          id={FIELD_IDS.role}
          name="role"
          value={role}
          onChange={(e) => setRole(e.target.value as ProjectRole)}
          className={inputClass}
          aria-invalid={!!roleError}
          aria-describedby={describedBy(FIELD_IDS.role, roleError)}
        >
          {PROJECT_ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </select>
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? "Adding…" : "Add member"}
      </Button>
    </form>
  );
}

export function MemberActions({
  project,
  memberId,
  role,
  username,
}: {
  project: string;
  memberId: number;
  role: ProjectRole;
  username: string;
}) {
  const [pending, start] = useTransition();
  // A refusal (the role changed meanwhile, the member was removed) is said beside the controls.
  const [error, setError] = useState<string>();
  const run = (call: () => Promise<{ ok: boolean; message?: string }>) =>
    start(async () => {
      const r = await call();
      setError(r.ok ? undefined : r.message);
    });
  return (
    <div className="flex flex-wrap items-center gap-2">
      <label htmlFor={`role-${memberId}`} className="sr-only">
        Role of {username}
      </label>
      <select
        id={`role-${memberId}`}
        defaultValue={role}
        disabled={pending}
        className="rounded border border-slate-300 px-1 py-0.5 text-sm"
        onChange={(e) => {
          const next = e.target.value;
          run(() => updateMemberRoleAction(project, memberId, next));
        }}
      >
        {PROJECT_ROLES.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABELS[r]}
          </option>
        ))}
      </select>
      <ConfirmDialog
        triggerLabel="Remove"
        triggerVariant="ghost"
        triggerAriaLabel={`Remove ${username}`}
        title={`Remove ${username} from ${project}?`}
        confirmLabel="Remove member"
        confirmVariant="danger"
        onConfirm={async () => {
          const r = await removeMemberAction(project, memberId);
          if (r && !r.ok) return r.message;
        }}
      >
        <p>
          {username} loses their role in {project} and no longer sees its webhooks and history, unless they are a system
          admin. Their account stays; add them again at any time.
        </p>
      </ConfirmDialog>
      {error && (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      )}
    </div>
  );
}
