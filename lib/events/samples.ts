import type { AnyEventType, HarborEvent } from "@/lib/shared/events";

// The Default payload examples of the Harbor webhook spec, one per event type,
// verbatim (tests/formats/fixtures/*.default.json hold the same data). The tag and project events,
// which Harbor raises but does not send, follow the same shapes: a tag event is an artifact event
// whose resource is the tag; a project event carries Harbor's project id and name. The operational
// events (lib/alerts) name the project, the webhook and its target as project events name a project.
const SPEC_EXAMPLES: Record<AnyEventType, HarborEvent> = {
  PUSH_ARTIFACT: {
    type: "PUSH_ARTIFACT",
    occur_at: 1680501893,
    operator: "harbor-jobservice",
    event_data: {
      resources: [
        {
          digest: "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4",
          tag: "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4",
          resource_url:
            "localhost/harbor/alpine@sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4",
        },
      ],
      repository: {
        date_created: 1680501893,
        name: "alpine",
        namespace: "harbor",
        repo_full_name: "harbor/alpine",
        repo_type: "private",
      },
    },
  },
  PULL_ARTIFACT: {
    type: "PULL_ARTIFACT",
    occur_at: 1680502372,
    operator: "robot$harbor+wHSYCuGD-Trivy-8e2e7505-d1e6-11ed-9e71-0242ac130009",
    event_data: {
      resources: [
        {
          digest: "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4",
          tag: "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4",
          resource_url:
            "localhost/harbor/alpine@sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4",
        },
      ],
      repository: {
        date_created: 1680501893,
        name: "alpine",
        namespace: "harbor",
        repo_full_name: "harbor/alpine",
        repo_type: "private",
      },
    },
  },
  DELETE_ARTIFACT: {
    type: "DELETE_ARTIFACT",
    occur_at: 1680502598,
    operator: "harbor-jobservice",
    event_data: {
      resources: [
        {
          digest: "sha256:2bb501e6173d9d006e56de5bce2720eb06396803300fe1687b58a7ff32bf4c14",
          tag: "3.8",
          resource_url: "localhost/harbor/alpine:3.8",
        },
      ],
      repository: {
        date_created: 1680501893,
        name: "alpine",
        namespace: "harbor",
        repo_full_name: "harbor/alpine",
        repo_type: "private",
      },
    },
  },
  QUOTA_EXCEED: {
    type: "QUOTA_EXCEED",
    occur_at: 1680505484,
    operator: "",
    event_data: {
      resources: [
        {
          digest: "sha256:402d21757a03a114d273bbe372fa4b9eca567e8b6c332fa7ebf982b902207242",
        },
      ],
      repository: {
        name: "alpine",
        namespace: "harbor",
        repo_full_name: "harbor/alpine",
        repo_type: "private",
      },
      custom_attributes: {
        Details:
          "adding 2.1 MiB of storage resource, which when updated to current usage of 8.3 MiB will exceed the configured upper limit of 10.0 MiB.",
      },
    },
  },
  QUOTA_WARNING: {
    type: "QUOTA_WARNING",
    occur_at: 1680505653,
    operator: "",
    event_data: {
      resources: [
        {
          digest: "sha256:514ec80ffbe1a2ab1d9a3d5e6082296296a1d8b6870246edf897228e5df2367d",
        },
      ],
      repository: {
        name: "alpine",
        namespace: "harbor",
        repo_full_name: "harbor/alpine",
        repo_type: "private",
      },
      custom_attributes: {
        Details: "quota usage reach 85%: resource storage used 12.6 MiB of 14.0 MiB",
      },
    },
  },
  SCANNING_FAILED: {
    type: "SCANNING_FAILED",
    occur_at: 1680505885,
    operator: "auto",
    event_data: {
      resources: [
        {
          digest: "sha256:dabea2944dcc2b86482b4f0b0fb62da80e0673e900c46c0e03b45919881a5d84",
          resource_url:
            "localhost/harbor/alpine@sha256:dabea2944dcc2b86482b4f0b0fb62da80e0673e900c46c0e03b45919881a5d84",
          scan_overview: {
            "application/vnd.security.vulnerability.report; version=1.1": {
              report_id: "a2573415-c727-4723-bc92-376c1d978637",
              scan_status: "Error",
              severity: "",
              duration: 10,
              summary: null,
              start_time: "2023-04-03T07:11:15Z",
              end_time: "2023-04-03T07:11:25Z",
              complete_percent: 0,
            },
          },
        },
      ],
      repository: {
        name: "alpine",
        namespace: "harbor",
        repo_full_name: "harbor/alpine",
        repo_type: "private",
      },
    },
  },
  SCANNING_STOPPED: {
    type: "SCANNING_STOPPED",
    occur_at: 1680502334,
    operator: "auto",
    event_data: {
      resources: [
        {
          digest: "sha256:e802987f152d7826cf929ad4999fb3bb956ce7a30966aeb46c749f9120eaf22c",
          resource_url:
            "localhost/harbor/alpine@sha256:e802987f152d7826cf929ad4999fb3bb956ce7a30966aeb46c749f9120eaf22c",
          scan_overview: {
            "application/vnd.security.vulnerability.report; version=1.1": {
              report_id: "bf92700b-fa5e-4fe4-891c-42b730c81151",
              scan_status: "Stopped",
              severity: "",
              duration: 5,
              summary: null,
              start_time: "2023-04-03T06:12:09Z",
              end_time: "2023-04-03T06:12:14Z",
              complete_percent: 0,
            },
          },
        },
      ],
      repository: {
        name: "alpine",
        namespace: "harbor",
        repo_full_name: "harbor/alpine",
        repo_type: "private",
      },
    },
  },
  SCANNING_COMPLETED: {
    type: "SCANNING_COMPLETED",
    occur_at: 1680502375,
    operator: "auto",
    event_data: {
      resources: [
        {
          digest: "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4",
          resource_url:
            "localhost/harbor/alpine@sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4",
          scan_overview: {
            "application/vnd.security.vulnerability.report; version=1.1": {
              report_id: "af0546c1-67dc-4e9d-927e-372900ead0df",
              scan_status: "Success",
              severity: "None",
              duration: 8,
              summary: {
                total: 0,
                fixable: 0,
                summary: {},
              },
              start_time: "2023-04-03T06:12:47Z",
              end_time: "2023-04-03T06:12:55Z",
              scanner: {
                name: "Trivy",
                vendor: "Aqua Security",
                version: "v0.37.2",
              },
              complete_percent: 100,
            },
          },
        },
      ],
      repository: {
        name: "alpine",
        namespace: "harbor",
        repo_full_name: "harbor/alpine",
        repo_type: "private",
      },
    },
  },
  REPLICATION: {
    type: "REPLICATION",
    occur_at: 1680501904,
    operator: "MANUAL",
    event_data: {
      replication: {
        harbor_hostname: "localhost",
        job_status: "Success",
        artifact_type: "image",
        override_mode: true,
        trigger_type: "MANUAL",
        policy_creator: "admin",
        execution_timestamp: 1680501881,
        src_resource: {
          registry_name: "hub",
          registry_type: "docker-hub",
          endpoint: "https://hub.docker.com",
          namespace: "library",
        },
        dest_resource: {
          registry_type: "harbor",
          endpoint: "http://localhost",
          namespace: "harbor",
        },
        successful_artifact: [
          {
            type: "image",
            status: "Success",
            name_tag: "alpine [1 item(s) in total]",
          },
        ],
      },
    },
  },
  TAG_RETENTION: {
    type: "TAG_RETENTION",
    occur_at: 1680502598,
    operator: "MANUAL",
    event_data: {
      retention: {
        total: 1,
        retained: 0,
        harbor_hostname: "localhost",
        project_name: "harbor",
        retention_policy_id: 2,
        retention_rule: [
          {
            template: "always",
            tag_selectors: [
              {
                kind: "doublestar",
                decoration: "matches",
                pattern: "xxxxxxxxxx",
                extras: '{"untagged":true}',
              },
            ],
            scope_selectors: {
              repository: [
                {
                  kind: "doublestar",
                  decoration: "repoMatches",
                  pattern: "**",
                  extras: "",
                },
              ],
            },
          },
        ],
        result: "SUCCESS",
        deleted_artifact: [
          {
            type: "image",
            status: "SUCCESS",
            name_tag: "alpine:3.8",
          },
        ],
      },
    },
  },
  TAG_CREATED: {
    type: "TAG_CREATED",
    occur_at: 1680502612,
    operator: "admin",
    event_data: {
      resources: [
        {
          digest: "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4",
          tag: "stable",
          resource_url: "localhost/harbor/alpine:stable",
        },
      ],
      repository: {
        date_created: 1680501893,
        name: "alpine",
        namespace: "harbor",
        repo_full_name: "harbor/alpine",
        repo_type: "private",
      },
    },
  },
  TAG_DELETED: {
    type: "TAG_DELETED",
    occur_at: 1680502655,
    operator: "admin",
    event_data: {
      resources: [
        {
          digest: "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4",
          tag: "stable",
          resource_url: "localhost/harbor/alpine:stable",
        },
      ],
      repository: {
        date_created: 1680501893,
        name: "alpine",
        namespace: "harbor",
        repo_full_name: "harbor/alpine",
        repo_type: "private",
      },
    },
  },
  PROJECT_CREATED: {
    type: "PROJECT_CREATED",
    occur_at: 1680501800,
    operator: "admin",
    event_data: { project: { project_id: 2, name: "harbor", public: false } },
  },
  PROJECT_DELETED: {
    type: "PROJECT_DELETED",
    occur_at: 1680503000,
    operator: "admin",
    event_data: { project: { project_id: 2, name: "harbor", public: false } },
  },
  "webhook.target_paused": {
    type: "webhook.target_paused",
    occur_at: 1680504000,
    operator: "",
    event_data: {
      project: { project_id: 2, name: "harbor" },
      webhook: { id: 7, name: "ci-deploy", instance_wide: false },
      target: { id: 9, type: "http", address: "https://ci.example.com/hooks/harbor" },
      state: "paused",
      cause: "failures",
      reason: "paused automatically: 10 deliveries in a row failed after all retries since 2023-04-03T05:40:00.000Z",
      changed_at: "2023-04-03T06:40:00Z",
    },
  },
  "webhook.target_resumed": {
    type: "webhook.target_resumed",
    occur_at: 1680507600,
    operator: "admin",
    event_data: {
      project: { project_id: 2, name: "harbor" },
      webhook: { id: 7, name: "ci-deploy", instance_wide: false },
      target: { id: 9, type: "http", address: "https://ci.example.com/hooks/harbor" },
      state: "active",
      cause: "person",
      reason: "resumed by admin",
      changed_at: "2023-04-03T07:40:00Z",
    },
  },
  "webhook.delivery_exhausted": {
    type: "webhook.delivery_exhausted",
    occur_at: 1680503100,
    operator: "",
    event_data: {
      project: { project_id: 2, name: "harbor" },
      webhook: { id: 7, name: "ci-deploy", instance_wide: false },
      target: { id: 9, type: "http", address: "https://ci.example.com/hooks/harbor" },
      state: "active",
      reason: "timeout: timed out (gave up after 3 attempts)",
      deliveries: {
        count: 4,
        first_failed_at: "2023-04-03T06:10:02Z",
        last_failed_at: "2023-04-03T06:25:00Z",
        sample_event_ids: [1041, 1042, 1045],
      },
    },
  },
};

/**
 * The spec example of the given type, as used by "Send test event".
 * Returns a fresh copy, so callers may modify it; occur_at is `now` when given.
 */
export function sampleEvent(type: AnyEventType, now?: Date): HarborEvent {
  const event = structuredClone(SPEC_EXAMPLES[type]);
  if (now) event.occur_at = Math.floor(now.getTime() / 1000);
  return event;
}
