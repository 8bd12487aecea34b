"use client";
import { useState, useTransition } from "react";
import {
  addGroupMemberAction,
  addMemberAction,
  removeMemberAction,
  updateMemberRoleAction,
} from "@/app/projects/actions";
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

const GROUP_FIELD_IDS = { groupType: "group-type", name: "group-name", role: "group-role" } as const;

/** Adds an LDAP group (by DN) or an OIDC group (by name) with a role: its members get that role here. */
export function AddGroupMemberForm({ project, defaultType }: { project: string; defaultType: "1" | "3" }) {
  const { state, pending, onSubmit, errorFor, generalError } = useFormAction(
    addGroupMemberAction.bind(null, project),
    GROUP_FIELD_IDS,
  );
  const [groupType, setGroupType] = useState(defaultType);
  const [name, setName] = useState("");
  useOnActionSuccess(state, () => setName(""));
  const nameError = errorFor("name");
  return (
    <form onSubmit={onSubmit} className="space-y-3" aria-label="Add a group">
      {state?.ok && <Notice tone="green">{state.message}</Notice>}
      {generalError && <Notice tone="red">{generalError}</Notice>}
      <Field label="Group type" htmlFor={GROUP_FIELD_IDS.groupType} error={errorFor("groupType")}>
        <select
          id={GROUP_FIELD_IDS.groupType}
          name="groupType"
          value={groupType}
          onChange={(e) => setGroupType(e.target.value as "1" | "3")}
          className={inputClass}
        >
          <option value="3">OIDC group</option>
          <option value="1">LDAP group</option>
        </select>
      </Field>
      <Field label={groupType === "1" ? "Group DN" : "Group name"} htmlFor={GROUP_FIELD_IDS.name} error={nameError}>
        <input
          id={GROUP_FIELD_IDS.name}
          name="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder={groupType === "1" ? "cn=developers,ou=groups,dc=example,dc=com" : "developers"}
          required
          className={inputClass}
          aria-invalid={!!nameError}
          aria-describedby={describedBy(GROUP_FIELD_IDS.name, nameError)}
        />
      </Field>
      <Field label="Role" htmlFor={GROUP_FIELD_IDS.role} error={errorFor("role")}>
        <select id={GROUP_FIELD_IDS.role} name="role" defaultValue="developer" className={inputClass}>
          {PROJECT_ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </select>
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? "Adding…" : "Add group"}
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
