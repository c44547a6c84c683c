/**
 * `pack status` without a pack: what Slack's App Home shows, as text for every platform (the
 * view is presenter/status-view.ts). The viewer's own requests and locks come first.
 */
export const STATUS_TEMPLATES: Readonly<Record<string, string>> = {
  status_overview: `{{#if queue.length}}{{bold "Deploy queue"}}
{{#each queue}}
{{position}}. {{#if mine}}you{{else}}{{who}}{{/if}} — {{what}}, {{state}} for {{waiting}} ({{code id}})
{{/each}}{{else}}The deploy queue is empty.{{/if}}

{{#if locks.length}}{{bold "Locks"}}
{{#each locks}}
🔒 {{bold pack}} on {{repo}} _{{branch}}_ — {{#if mine}}yours{{else}}{{who}}{{/if}} since {{since}}, reverts {{reverts}}{{#if reason}} ({{reason}}){{/if}}{{#if mine}}: {{code (concat @root.prefix "pack unlock " pack)}}{{/if}}
{{/each}}{{else}}No packs are locked.{{/if}}

{{#if deploys.length}}{{bold "Recent deploys"}}
{{#each deploys}}
{{icon}} {{packs}} from {{repo}} _{{branch}}_ — {{result}}, by {{#if mine}}you{{else}}{{who}}{{/if}} {{ago}} ({{code id}})
{{/each}}{{else}}No deploys yet.{{/if}}`,
};
