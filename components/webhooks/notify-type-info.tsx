/** What the policy form says about each notify type: its badge, its URL field, where to get the URL. */
import type { NotifyType } from "@/lib/shared/events";
import { NOTIFY_TYPE_LABELS } from "@/lib/shared/display";

type TypeInfo = {
  /** a two-letter badge in the tool's colour */
  badge: string;
  badgeClass: string;
  urlLabel: string;
  placeholder: string;
  /** one line: where to get the webhook URL */
  hint: string;
};

export const NOTIFY_TYPE_INFO: Record<NotifyType, TypeInfo> = {
  http: {
    badge: "{}",
    badgeClass: "bg-slate-600",
    urlLabel: "Endpoint URL",
    placeholder: "https://ci.example.com/hooks/harbor",
    hint: "Any endpoint of yours that accepts a JSON POST.",
  },
  slack: {
    badge: "Sl",
    badgeClass: "bg-[#4a154b]",
    urlLabel: "Slack incoming webhook URL",
    placeholder: "https://hooks.slack.com/services/…",
    hint: "In Slack: create an app with Incoming Webhooks, add a webhook to a channel and copy its URL.",
  },
  teams: {
    badge: "T",
    badgeClass: "bg-[#5059c9]",
    urlLabel: "Teams Workflows webhook URL",
    placeholder: "https://….logic.azure.com/workflows/…",
    hint: 'In Teams: channel … › Workflows › "Post to a channel when a webhook request is received", then copy its URL.',
  },
  googlechat: {
    badge: "GC",
    badgeClass: "bg-[#1e8e3e]",
    urlLabel: "Google Chat webhook URL",
    placeholder: "https://chat.googleapis.com/v1/spaces/…/messages?key=…&token=…",
    hint: "In Google Chat: open the space › Apps & integrations › Webhooks › Add webhook, then copy its URL.",
  },
  mattermost: {
    badge: "Mm",
    badgeClass: "bg-[#1e325c]",
    urlLabel: "Mattermost incoming webhook URL",
    placeholder: "https://mattermost.example.com/hooks/…",
    hint: "In Mattermost: Product menu › Integrations › Incoming Webhooks › Add Incoming Webhook, then copy its URL.",
  },
  discord: {
    badge: "D",
    badgeClass: "bg-[#5865f2]",
    urlLabel: "Discord webhook URL",
    placeholder: "https://discord.com/api/webhooks/…",
    hint: "In Discord: Server Settings › Integrations › Webhooks › New Webhook, choose the channel, then Copy Webhook URL.",
  },
  email: {
    badge: "@",
    badgeClass: "bg-[#0b57d0]",
    urlLabel: "Recipients (mailto: address)",
    placeholder: "mailto:ops@example.com,dev@example.com",
    hint: "Up to 20 recipients, separated by commas; sent through the SMTP server of System settings › Email (SMTP).",
  },
};

export function NotifyTypeBadge({ type }: { type: NotifyType }) {
  const info = NOTIFY_TYPE_INFO[type];
  return (
    <span
      aria-hidden
      className={`inline-flex h-5 min-w-5 items-center justify-center rounded px-1 text-[10px] font-bold text-white ${info.badgeClass}`}
    >
      {info.badge}
    </span>
  );
}

export function notifyTypeLabel(type: NotifyType): string {
  return NOTIFY_TYPE_LABELS[type] ?? type;
}
