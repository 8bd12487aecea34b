"use client";
import { useActionState, useState, useTransition } from "react";
import { createUserAction, setSysadminAction } from "@/app/admin/users/actions";
import { Button, Field, Notice, inputClass } from "@/components/ui";
import { useOnActionSuccess } from "@/components/ui/use-action-success";

export function CreateUserForm() {
  const [state, action, pending] = useActionState(createUserAction, null);
  // Controlled, so what was typed stays after a refusal (React resets uncontrolled fields after an action).
  const [username, setUsername] = useState("");
  const [email, setEmail] = useState("");
  useOnActionSuccess(state, () => {
    setUsername("");
    setEmail("");
  });
  const err = (f: string) => (state && !state.ok && state.field === f ? state.message : undefined);
  const general =
    state && !state.ok && !["username", "password", "email"].includes(state.field ?? "") ? state.message : undefined;
  return (
    <form action={action} className="space-y-3">
      {state?.ok && <Notice tone="green">User {state.data?.username} created.</Notice>}
      {general && <Notice tone="red">{general}</Notice>}
      <Field label="User name" htmlFor="new-username" error={err("username")}>
        <input
          id="new-username"
          name="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
          className={inputClass}
          aria-invalid={!!err("username")}
        />
      </Field>
      <Field label="E-mail (optional)" htmlFor="new-email" error={err("email")}>
        <input
          id="new-email"
          name="email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          className={inputClass}
          aria-invalid={!!err("email")}
        />
      </Field>
      <Field label="Password" htmlFor="new-password" error={err("password")} hint="At least 8 characters.">
        <input
          id="new-password"
          name="password"
          type="password"
          required
          minLength={8}
          autoComplete="new-password"
          className={inputClass}
          aria-invalid={!!err("password")}
        />
      </Field>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="sysadmin" /> System admin
      </label>
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create user"}
      </Button>
    </form>
  );
}

export function SysadminToggle({
  userId,
  sysadmin,
  username,
}: {
  userId: number;
  sysadmin: boolean;
  username: string;
}) {
  const [pending, start] = useTransition();
  const label = sysadmin ? "Revoke system admin" : "Make system admin";
  return (
    <Button
      variant="ghost"
      disabled={pending}
      onClick={() => {
        if (confirm(`${label}: ${username}?`))
          start(async () => {
            await setSysadminAction(userId, !sysadmin);
          });
      }}
    >
      {label}
    </Button>
  );
}
