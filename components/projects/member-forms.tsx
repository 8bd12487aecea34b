"use client";
import { useActionState, useState, useTransition } from "react";
import { addMemberAction, removeMemberAction, updateMemberRoleAction } from "@/app/projects/actions";
import { PROJECT_ROLES, ROLE_LABELS, type ProjectRole } from "@/lib/shared/roles";
import { Button, Field, Notice, inputClass } from "@/components/ui";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useOnActionSuccess } from "@/components/ui/use-action-success";

export function AddMemberForm({ project }: { project: string }) {
  const [state, action, pending] = useActionState(addMemberAction.bind(null, project), null);
  const [username, setUsername] = useState("");
  useOnActionSuccess(state, () => setUsername(""));
  const usernameError = state && !state.ok && state.field === "username" ? state.message : undefined;
  return (
    <form action={action} className="space-y-3">
      {state?.ok && <Notice tone="green">{state.message}</Notice>}
      {state && !state.ok && !usernameError && <Notice tone="red">{state.message}</Notice>}
      <Field label="User name" htmlFor="member-username" error={usernameError}>
        <input
          id="member-username"
          name="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
          className={inputClass}
          aria-invalid={!!usernameError}
        />
      </Field>
      <Field label="Role" htmlFor="member-role">
        <select id="member-role" name="role" defaultValue="developer" className={inputClass}>
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
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={`role-${memberId}`} className="sr-only">
        Role of {username}
      </label>
      <select
        id={`role-${memberId}`}
        defaultValue={role}
        disabled={pending}
        className="rounded border border-slate-300 px-1 py-0.5 text-sm"
        onChange={(e) =>
          start(async () => {
            await updateMemberRoleAction(project, memberId, e.target.value);
          })
        }
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
    </div>
  );
}
