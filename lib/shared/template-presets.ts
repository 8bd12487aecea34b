/**
 * Starting points for Custom payload templates, one per tool the form offers. Each renders valid
 * output for every sample event (tests/formats/custom-template.test.ts). They lay out `summary`,
 * the event's facts as the built-in chat messages show them; every value goes through `json` (a
 * JSON string) or `json_escape` (inside one), and `markdown_escape` where the tool reads Markdown.
 * Browser-safe: plain text.
 */

export type TemplatePreset = { id: string; label: string; contentType: string; template: string };

const FACTS_AS_FIELDS = (title: string, value: string, extra = "") =>
  `{% for f in summary.facts %}{ ${extra}"${title}": {{ f.label | json }}, "${value}": {{ f.value | json }} }{% unless forloop.last %},{% endunless %}{% endfor %}`;

export const TEMPLATE_PRESETS: readonly TemplatePreset[] = [
  {
    id: "teams",
    label: "Microsoft Teams card",
    contentType: "application/json",
    template: `{
  "type": "message",
  "attachments": [{
    "contentType": "application/vnd.microsoft.card.adaptive",
    "contentUrl": null,
    "content": {
      "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
      "type": "AdaptiveCard",
      "version": "1.4",
      "body": [
        { "type": "TextBlock", "text": {{ summary.title | json }}, "weight": "Bolder", "size": "Medium", "wrap": true },
        { "type": "TextBlock", "text": {{ summary.subtitle | json }}, "isSubtle": true, "spacing": "None", "wrap": true },
        { "type": "FactSet", "facts": [${FACTS_AS_FIELDS("title", "value")}] }
      ]{% if links.execution %},
      "actions": [{ "type": "Action.OpenUrl", "title": "Open in Harbor Notifier", "url": {{ links.execution | json }} }]{% endif %}
    }
  }]
}
`,
  },
  {
    id: "googlechat",
    label: "Google Chat card",
    contentType: "application/json",
    template: `{
  "text": {{ summary.title | json }},
  "cardsV2": [{
    "cardId": "harbor-event",
    "card": {
      "header": { "title": {{ summary.title | truncate: 200 | json }}, "subtitle": {{ summary.subtitle | json }} },
      "sections": [{
        "widgets": [
          {% for f in summary.facts %}{ "decoratedText": { "topLabel": {{ f.label | json }}, "text": {{ f.value | escape | json }}, "wrapText": true } }{% unless forloop.last %},{% endunless %}{% endfor %}{% if links.execution %},
          { "buttonList": { "buttons": [{ "text": "Open in Harbor Notifier", "onClick": { "openLink": { "url": {{ links.execution | json }} } } }] } }{% endif %}
        ]
      }]
    }
  }]
}
`,
  },
  {
    id: "mattermost",
    label: "Mattermost",
    contentType: "application/json",
    template: `{
  "username": "Harbor",
  "attachments": [{
    "fallback": {{ summary.title | json }},
    "color": {{ summary.color | json }},
    "title": {{ summary.title | markdown_escape | json }},{% if links.execution %}
    "title_link": {{ links.execution | json }},{% endif %}
    "text": {{ summary.subtitle | markdown_escape | json }},
    "fields": [${FACTS_AS_FIELDS("title", "value", '"short": true, ').replace("f.value | json", "f.value | markdown_escape | json")}]
  }]
}
`,
  },
  {
    id: "discord",
    label: "Discord",
    contentType: "application/json",
    template: `{
  "allowed_mentions": { "parse": [] },
  "embeds": [{
    "title": {{ summary.title | truncate: 250 | markdown_escape | json }},{% if links.execution %}
    "url": {{ links.execution | json }},{% endif %}
    "description": {{ summary.subtitle | markdown_escape | json }},
    "timestamp": {{ summary.time | json }},
    "fields": [{% for f in summary.facts limit: 25 %}{ "name": {{ f.label | json }}, "value": {{ f.value | truncate: 1000 | markdown_escape | json }}, "inline": true }{% unless forloop.last %},{% endunless %}{% endfor %}],
    "footer": { "text": "Harbor Notifier" }
  }]
}
`,
  },
  {
    id: "rocketchat",
    label: "Rocket.Chat",
    contentType: "application/json",
    template: `{
  "alias": "Harbor",
  "text": {{ summary.title | markdown_escape | json }},
  "attachments": [{
    "title": {{ summary.subtitle | json }},{% if links.execution %}
    "title_link": {{ links.execution | json }},{% endif %}
    "color": {{ summary.color | json }},
    "fields": [${FACTS_AS_FIELDS("title", "value", '"short": true, ')}]
  }]
}
`,
  },
  {
    id: "text",
    label: "Plain-text summary",
    contentType: "text/plain; charset=utf-8",
    template: `{{ summary.title }}
{{ summary.subtitle }}
{% for f in summary.facts %}{{ f.label }}: {{ f.value }}
{% endfor %}{% if links.execution %}{{ links.execution }}
{% endif %}`,
  },
];

export function templatePreset(id: string): TemplatePreset | undefined {
  return TEMPLATE_PRESETS.find((p) => p.id === id);
}
