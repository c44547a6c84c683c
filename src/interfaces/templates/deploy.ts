/** Templates for deploys, releases and history (see defaults.ts for the naming rules). */
import { PLAN_BRIEF } from './plan.js';

export const DEPLOY_TEMPLATES: Readonly<Record<string, string>> = {
  deploy_ack: `{{#if verb}}{{verb}}{{else}}Deploying{{/if}} {{packs}} from {{code repo}}{{#if branch}} ({{branch}}){{/if}}…
{{#if plan}}
${PLAN_BRIEF}
{{/if}}`,

  deploy_progress: `{{#if verb}}{{verb}}{{else}}Deploying{{/if}} {{packs}} from {{code repo}}{{#if branch}} ({{branch}}){{/if}}…
{{#if plan}}
${PLAN_BRIEF}
{{/if}}
{{#each lines}}
{{this}}
{{/each}}`,

  deploy_summary: `{{#if error}}✗ {{#if verb}}{{verb}}{{else}}Deploy{{/if}} {{code id}} from {{code repo}}{{#if branch}} ({{branch}}){{/if}} failed: {{error}}{{else}}{{#if verb}}{{verb}}{{else}}Deploy{{/if}} {{code id}} from {{code repo}}{{#if branch}} {{branch}}{{/if}}{{#if commit}} at {{code commit}}{{/if}}: {{ok}} ok, {{failed}} failed ({{duration}}){{#if registered}}
StackStorm {{registered}}{{/if}}
{{#each packs}}
{{icon}} {{pack}}{{#if version}} {{version}}{{/if}} — {{status}}
{{#each warnings}}
   ⚠ {{this}}
{{/each}}
{{/each}}{{#if more}}
… and {{more}} more (every pack is in the thread){{/if}}{{#if notPacks}}
– skipped, not a pack (no pack.yaml): {{notPacks}}{{/if}}{{/if}}`,

  deploy_details: `Every pack of deploy {{code id}}, failures first:
{{#each packs}}
{{icon}} {{pack}}{{#if version}} {{version}}{{/if}} — {{status}}
{{#each warnings}}
   ⚠ {{this}}
{{/each}}
{{/each}}`,

  deploy_read_as: `Read {{code word}} as the {{kind}}: {{code repo}} is a single-pack repository whose pack is {{code pack}}.`,

  deploy_done: `Your deploy {{code id}} of {{bold packs}} from {{code repo}} {{#if error}}failed: {{error}}{{else}}finished: {{ok}} ok, {{failed}} failed ({{duration}}){{/if}}.`,

  install_planned: `Installing from the registry:
{{#each planned}}
• {{this}}
{{/each}}`,

  install_nothing: `Nothing to install: {{packs}} {{#if packs}}already satisfies the request{{/if}}.`,

  deps_graph: `\`\`\`
{{graph}}
\`\`\``,

  pack_list: `{{#if packs.length}}Installed packs:
{{#each packs}}
• {{pack}} {{version}} — {{repo}} {{branch}} {{code commit}}, by {{by}} {{ago}}
{{/each}}{{else}}No packs are installed yet. Deploy one with {{code (concat prefix "pack deploy <repo> <packs>")}}.{{/if}}`,

  pack_status: `{{pack}} {{version}} is active: release {{code release}} from {{repo}} {{branch}} {{code commit}}, deployed by {{by}} {{ago}}.
{{#if lock}}🔒 Locked to {{lock.repo}} _{{lock.branch}}_ by {{lock.by}} since {{lock.since}}; reverts {{lock.reverts}}.
{{/if}}{{#each queued}}⏳ {{code id}} {{state}} — {{what}}, by {{by}}
{{/each}}{{#if last}}Last change: {{last.kind}} {{code last.id}} by {{last.by}} {{last.ago}} — {{last.result}}{{#if last.error}}: {{last.error}}{{/if}}{{/if}}`,

  pack_info: `{{pack}} {{version}}
• from {{repo}} {{branch}} at {{code fullCommit}}
• deployed by {{by}} {{ago}} ({{at}})
• {{plural counts.actions "action"}}, {{plural counts.rules "rule"}}, {{plural counts.sensors "sensor"}}, {{plural counts.aliases "alias" "aliases"}}
• releases: {{#each releases}}{{code release}}{{#if active}} (active){{/if}}{{#unless @last}}, {{/unless}}{{/each}}`,

  history_list: `{{#if records.length}}History of {{pack}}:
{{#each records}}
• {{code id}} {{ago}} {{kind}} by {{by}} — {{result}}{{#each packs}} {{from}} → {{to}}{{#if error}} ({{error}}){{/if}}{{/each}}
{{/each}}{{else}}No history for {{code pack}} yet.{{/if}}`,

  history_record: `{{kind}} {{code id}} by {{by}} {{ago}} ({{at}}, {{duration}}): {{result}}{{#if repo}} — {{repo}} {{branch}} {{code commit}}{{/if}}
{{#if error}}{{error}}
{{/if}}{{#each packs}}
• {{pack}}: {{status}} {{from}} → {{to}}{{#if error}} — {{error}}{{/if}}
{{/each}}`,

  rollback_done: `Rolled {{pack}} back to {{code to}} ({{version}}){{#if from}}, was {{code from}}{{/if}}.{{#if warning}}
⚠ {{warning}}{{/if}}`,

  uninstall_done: `{{#each results}}
{{#if removed}}✓ {{pack}} uninstalled (was {{code removed}}){{else}}✗ {{error}}{{/if}}
{{/each}}`,
};
