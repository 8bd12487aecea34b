import { WebhooksOffBanner } from "@/components/projects/webhooks-off-banner";
import { loadWebhooksOffBanner } from "@/lib/webhooks-ui/loaders";

/** Every project page: the pages themselves, with the banner on top while webhooks are off instance-wide. */
export default async function ProjectLayout({ children }: { children: React.ReactNode }) {
  const banner = await loadWebhooksOffBanner();
  return (
    <>
      {banner && <WebhooksOffBanner {...banner} />}
      {children}
    </>
  );
}
