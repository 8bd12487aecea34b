"use client";
import { signIn } from "next-auth/react";
import { useEffect } from "react";
import { onboardAction } from "@/app/login/onboard/actions";
import { Button, Field, Notice, inputClass } from "@/components/ui";
import { useFormAction } from "@/components/ui/use-form-action";

const FIELD_IDS = { username: "onboard-username" } as const;

/** Chooses the user name, then signs in again through the provider (its session makes that instant). */
export function OnboardForm({ ticket, suggested }: { ticket: string; suggested: string }) {
  const { state, pending, onSubmit, errorFor, generalError } = useFormAction(onboardAction, FIELD_IDS);
  useEffect(() => {
    if (state?.ok) void signIn("oidc", { callbackUrl: "/projects" });
  }, [state]);
  const error = errorFor("username");
  return (
    <form onSubmit={onSubmit} className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      {generalError && <Notice tone="red">{generalError}</Notice>}
      {state?.ok && <Notice tone="green">{state.message} Signing in…</Notice>}
      <input type="hidden" name="ticket" value={ticket} />
      <Field label="User name" htmlFor={FIELD_IDS.username} error={error}>
        <input
          id={FIELD_IDS.username}
          name="username"
          defaultValue={suggested}
          required
          autoFocus
          className={inputClass}
          aria-invalid={!!error}
        />
      </Field>
      <Button type="submit" disabled={pending || !!state?.ok} className="w-full justify-center">
        Create my account
      </Button>
    </form>
  );
}
