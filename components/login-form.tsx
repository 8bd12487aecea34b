"use client";
import { signIn } from "next-auth/react";
import { useRef, useState } from "react";
import { Button, Field, Notice, inputClass } from "@/components/ui";
import { safeCallbackPath } from "@/lib/shared/callback-url";
import { signInErrorMessage } from "@/lib/shared/sign-in-errors";

/** Sign in through the OpenID provider (OIDC mode): next-auth's OAuth flow with PKCE and state. */
export function OidcSignInButton({ name, callbackUrl }: { name: string; callbackUrl: string }) {
  const [pending, setPending] = useState(false);
  return (
    <Button
      type="button"
      disabled={pending}
      className="w-full justify-center"
      onClick={() => {
        setPending(true);
        void signIn("oidc", { callbackUrl: safeCallbackPath(callbackUrl) });
      }}
    >
      {pending ? "Redirecting…" : `Sign in with ${name}`}
    </Button>
  );
}
export function LoginForm({
  initialError,
  callbackUrl,
  usernameLabel = "Username",
  submitLabel = "Sign in",
}: {
  initialError?: string;
  callbackUrl: string;
  usernameLabel?: string;
  submitLabel?: string;
}) {
  const [error, setError] = useState(signInErrorMessage(initialError));
  const [pending, setPending] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);

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
      // Checked again here: this is where the browser is sent.
      window.location.assign(safeCallbackPath(callbackUrl));
      return;
    }
    setPending(false);
    setError(signInErrorMessage(res?.error ?? "Unknown"));
    // The user name stays; the password is selected, so typing replaces it.
    passwordRef.current?.focus();
    passwordRef.current?.select();
  }

  // Which of the two was wrong is not said (that would tell whether an account exists): both are marked.
  const invalid = !!error;
  return (
    <form onSubmit={onSubmit} className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      {error && (
        <div id="login-error">
          <Notice tone="red">{error}</Notice>
        </div>
      )}
      <Field label={usernameLabel} htmlFor="username">
        <input
          id="username"
          name="username"
          autoComplete="username"
          required
          autoFocus
          className={inputClass}
          aria-invalid={invalid}
          aria-describedby={invalid ? "login-error" : undefined}
        />
      </Field>
      <Field label="Password" htmlFor="password">
        <input
          ref={passwordRef}
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className={inputClass}
          aria-invalid={invalid}
          aria-describedby={invalid ? "login-error" : undefined}
        />
      </Field>
      <Button type="submit" disabled={pending} className="w-full justify-center">
        {pending ? "Signing in…" : submitLabel}
      </Button>
    </form>
  );
}
