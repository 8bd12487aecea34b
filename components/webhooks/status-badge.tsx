import { Badge } from "@/components/ui";
import { statusTone } from "@/lib/shared/display";

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={statusTone(status)}>{status}</Badge>;
}

export function EnabledBadge({ enabled }: { enabled: boolean }) {
  return enabled ? <Badge tone="green">Enabled</Badge> : <Badge tone="gray">Deactivated</Badge>;
}
