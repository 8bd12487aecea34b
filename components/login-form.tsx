"use client";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { Button, Field, Notice, inputClass } from "@/components/ui";

const MESSAGES: Record<string, string> = {
  CredentialsSignin: "Wrong user name or password.",
  TooManyAttempts: "Too many failed sign-ins for this user. Wait a few minutes and try again.",
  AccountDisabled: "This account is disabled. Ask a system admin to enable it.",
};

export function LoginForm({ initialError, callbackUrl }: { initialError?: string; callbackUrl: string }) {
  const [error, setError] = useState(initialError ? (MESSAGES[initialError] ?? "Sign-in failed.") : "");
  const [pending, setPending] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setError("");
    const form = new FormData(e.currentTarget);
    const res = await signIn("credentials", {
      username: form.get("username"),
      password: form.get("password"),
      redirect: false,
    });
    if (res?.ok && !res.error) {
      window.location.assign(callbackUrl);
      return;
    }
    setPending(false);
    setError(MESSAGES[res?.error ?? ""] ?? "Sign-in failed.");
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      {error && <Notice tone="red">{error}</Notice>}
      <Field label="Username" htmlFor="username">
        <input id="username" name="username" autoComplete="username" required autoFocus className={inputClass} />
      </Field>
      <Field label="Password" htmlFor="password">
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className={inputClass}
        />
      </Field>
      <Button type="submit" disabled={pending} className="w-full justify-center">
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
