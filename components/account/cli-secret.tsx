"use client";
import { useState } from "react";
import { regenerateCliSecretAction } from "@/app/profile/actions";
import { Button, Notice } from "@/components/ui";
import { CopyButton } from "@/components/webhooks/copy-button";

/** An OIDC user's CLI secret: their HTTP Basic password on the API, hidden until shown, and regenerated here. */
export function CliSecret({ initial }: { initial: string }) {
  const [secret, setSecret] = useState(initial);
  const [shown, setShown] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [pending, setPending] = useState(false);
  async function regenerate() {
    setPending(true);
    try {
      const r = await regenerateCliSecretAction();
      if (r.ok && r.data) {
        setSecret(r.data.secret);
        setShown(true);
      }
      setMessage({ ok: r.ok, text: r.message ?? "" });
    } finally {
      setPending(false);
    }
  }
  return (
    <div className="space-y-3 text-sm">
      <p className="text-slate-700">
        Your password is your identity provider&apos;s. Scripts and the CLI use this secret as the password of HTTP
        Basic on <code>/api/v2.0</code>.
      </p>
      <div className="flex items-center gap-2">
        <code id="cli-secret" className="rounded bg-slate-100 px-2 py-1 font-mono">
          {shown ? secret : "•".repeat(32)}
        </code>
        <Button type="button" variant="secondary" onClick={() => setShown(!shown)}>
          {shown ? "Hide" : "Show"}
        </Button>
        <CopyButton text={secret} label="Copy CLI secret" />
      </div>
      {message && <Notice tone={message.ok ? "green" : "red"}>{message.text}</Notice>}
      <Button type="button" variant="secondary" disabled={pending} onClick={regenerate}>
        {pending ? "Generating…" : "Generate a new CLI secret"}
      </Button>
    </div>
  );
}
