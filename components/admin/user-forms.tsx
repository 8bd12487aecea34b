"use client";
import { useState } from "react";
import {
  clearSignInLockoutAction,
  createUserAction,
  deleteUserAction,
  resetPasswordAction,
  setSysadminAction,
  setUserDisabledAction,
} from "@/app/admin/users/actions";
import { Button, Field, Notice, inputClass } from "@/components/ui";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { RowMenu } from "@/components/ui/row-menu";
import { useOnActionSuccess } from "@/components/ui/use-action-success";
import { useFormAction } from "@/components/ui/use-form-action";
import { describedBy } from "@/lib/shared/form-result";
import { PASSWORD_MIN, PASSWORD_RULE } from "@/lib/shared/password";

const FIELD_IDS = {
  username: "new-username",
  email: "new-email",
  password: "new-password",
  sysadmin: "new-sysadmin",
} as const;

export function CreateUserForm() {
  const { state, pending, onSubmit, errorFor, generalError } = useFormAction(createUserAction, FIELD_IDS);
  // Controlled, so what was typed stays after a refusal. The password too: it stays in this page's
  // memory only (the server never sends one back), and is cleared once the user is created.
  const [username, setUsername] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [sysadmin, setSysadmin] = useState(false);
  useOnActionSuccess(state, () => {
    setUsername("");
    setEmail("");
    setPassword("");
    setSysadmin(false);
  });
  const usernameError = errorFor("username");
  const emailError = errorFor("email");
  const passwordError = errorFor("password");
  return (
    <form onSubmit={onSubmit} className="space-y-3" aria-label="Create a user">
      {state?.ok && <Notice tone="green">User {state.data?.username} created.</Notice>}
      {generalError && <Notice tone="red">{generalError}</Notice>}
      <Field label="User name" htmlFor={FIELD_IDS.username} error={usernameError}>
        <input
          id={FIELD_IDS.username}
          name="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
          autoComplete="off"
          className={inputClass}
          aria-invalid={!!usernameError}
          aria-describedby={describedBy(FIELD_IDS.username, usernameError)}
        />
      </Field>
      <Field label="E-mail (optional)" htmlFor={FIELD_IDS.email} error={emailError}>
        <input
          id={FIELD_IDS.email}
          name="email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoComplete="off"
          className={inputClass}
          aria-invalid={!!emailError}
          aria-describedby={describedBy(FIELD_IDS.email, emailError)}
        />
      </Field>
      <Field label="Password" htmlFor={FIELD_IDS.password} error={passwordError} hint={PASSWORD_RULE}>
        <input
          id={FIELD_IDS.password}
          name="password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          minLength={PASSWORD_MIN}
          autoComplete="new-password"
          className={inputClass}
          aria-invalid={!!passwordError}
          aria-describedby={describedBy(FIELD_IDS.password, passwordError)}
        />
      </Field>
      <label className="flex items-center gap-2 text-sm">
        <input
          id={FIELD_IDS.sysadmin}
          type="checkbox"
          name="sysadmin"
          checked={sysadmin}
          onChange={(e) => setSysadmin(e.target.checked)}
        />
        System admin
      </label>
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create user"}
      </Button>
    </form>
  );
}

/** A user row as the actions need it (the page hands it over; nothing secret). */
export type UserRowView = {
  id: number;
  username: string;
  sysadmin: boolean;
  disabled: boolean;
  memberships: number;
  /** the first few project names, for the confirmations */
  projectNames: string[];
};

/** "a member of 3 projects (a, b, c)" */
function membershipPhrase(u: UserRowView): string {
  if (u.memberships === 0) return "not a member of any project";
  const names = u.projectNames.join(", ");
  const more = u.memberships > u.projectNames.length ? `, and ${u.memberships - u.projectNames.length} more` : "";
  return `a member of ${u.memberships} project${u.memberships === 1 ? "" : "s"} (${names}${more})`;
}

/** An action's refusal, for its confirmation dialog to show. */
const refusal = (result: { ok: boolean; message?: string }) => (result.ok ? undefined : result.message);

/** The actions of one user row, each confirmed in a dialog that says what will happen. */
export function UserActions({ user: u }: { user: UserRowView }) {
  return (
    <RowMenu label={`Actions for ${u.username}`}>
      <ConfirmDialog
        triggerLabel="Reset password"
        triggerVariant="ghost"
        triggerAriaLabel={`Reset the password of ${u.username}`}
        title={`Reset the password of ${u.username}`}
        confirmLabel="Set password"
        onConfirm={async (form) => refusal(await resetPasswordAction(u.id, form.get("newPassword")))}
      >
        <p>
          {u.username} signs in with this password once and must then choose a new one. Tell it to them through a safe
          channel.
        </p>
        <Field label="New password" htmlFor={`reset-${u.id}`} hint={PASSWORD_RULE}>
          <input
            id={`reset-${u.id}`}
            name="newPassword"
            type="password"
            required
            minLength={PASSWORD_MIN}
            autoComplete="new-password"
            className={inputClass}
          />
        </Field>
      </ConfirmDialog>
      <ConfirmDialog
        triggerLabel={u.sysadmin ? "Revoke system admin" : "Make system admin"}
        triggerVariant="ghost"
        triggerAriaLabel={`${u.sysadmin ? "Revoke system admin from" : "Make system admin:"} ${u.username}`}
        title={u.sysadmin ? `Revoke system admin from ${u.username}?` : `Make ${u.username} a system admin?`}
        confirmLabel={u.sysadmin ? "Revoke system admin" : "Make system admin"}
        confirmVariant={u.sysadmin ? "danger" : "primary"}
        onConfirm={async () => refusal(await setSysadminAction(u.id, !u.sysadmin))}
      >
        {u.sysadmin ? (
          <p>
            {u.username} will no longer manage users, projects and the system settings. They keep their project roles:
            they are {membershipPhrase(u)}.
          </p>
        ) : (
          <p>
            {u.username} will see and manage every project and its webhooks, all users (including other admins) and the
            system settings.
          </p>
        )}
      </ConfirmDialog>
      <ConfirmDialog
        triggerLabel={u.disabled ? "Enable" : "Disable"}
        triggerVariant="ghost"
        triggerAriaLabel={`${u.disabled ? "Enable" : "Disable"} ${u.username}`}
        title={u.disabled ? `Enable ${u.username}?` : `Disable ${u.username}?`}
        confirmLabel={u.disabled ? "Enable account" : "Disable account"}
        confirmVariant={u.disabled ? "primary" : "danger"}
        onConfirm={async () => refusal(await setUserDisabledAction(u.id, !u.disabled))}
      >
        {u.disabled ? (
          <p>{u.username} will be able to sign in again with their current password.</p>
        ) : (
          <>
            <p>
              {u.username} will not be able to sign in, in the browser or with HTTP Basic, and an open session stops
              working at the next page.
            </p>
            <p>
              They stay {membershipPhrase(u)}, with their roles, until you enable them again. API keys belong to
              projects, not users: they keep working.
            </p>
          </>
        )}
      </ConfirmDialog>
      <ConfirmDialog
        triggerLabel="Clear sign-in lockout"
        triggerVariant="ghost"
        triggerAriaLabel={`Clear the sign-in lockout of ${u.username}`}
        title={`Clear the sign-in lockout of ${u.username}?`}
        confirmLabel="Clear lockout"
        onConfirm={async () => refusal(await clearSignInLockoutAction(u.id))}
      >
        <p>
          After 10 wrong passwords from one address within 5 minutes, sign-in from that address is refused for the rest
          of the 5 minutes (other addresses are not affected). Clearing lets {u.username} try again at once, from every
          address.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        triggerLabel="Delete"
        triggerVariant="dangerGhost"
        triggerAriaLabel={`Delete ${u.username}`}
        title={`Delete ${u.username}?`}
        confirmLabel="Delete user"
        confirmVariant="danger"
        onConfirm={async () => refusal(await deleteUserAction(u.id))}
      >
        <p>
          {u.username} is {membershipPhrase(u)}
          {u.memberships > 0 ? "; the memberships are removed." : "."} The projects, their webhooks and API keys stay;
          the audit log keeps their name.
        </p>
        <p>This cannot be undone. To keep the account for later, disable it instead.</p>
      </ConfirmDialog>
    </RowMenu>
  );
}
