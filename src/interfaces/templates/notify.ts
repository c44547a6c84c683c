/**
 * Templates for a repository's notify_channel and announce_channel (see defaults.ts for the
 * naming rules). Written in the third person: the people reading them did not ask.
 */
export const NOTIFY_TEMPLATES: Readonly<Record<string, string>> = {
  notify_deploy_started: `▶ {{by}} is deploying {{bold packs}} from {{repo}} _{{branch}}_ (id {{code id}}).`,

  notify_deploy_finished: `{{#if error}}✗ {{by}}'s deploy {{code id}} of {{bold packs}} from {{repo}} _{{branch}}_ failed: {{error}}{{else}}{{#if failed}}⚠{{else}}✓{{/if}} {{by}}'s deploy {{code id}} of {{bold packs}} from {{repo}} _{{branch}}_ finished: {{ok}} ok, {{failed}} failed ({{duration}}).{{/if}}{{#each locks}}
{{#if taken}}🔒 {{bold pack}} stays on _{{branch}}_, locked to {{by}} until they deploy _{{default}}_ or the lock ends in {{reverts}}.{{else}}🔓 {{bold pack}} is back on _{{default}}_; {{by}}'s lock is released.{{/if}}{{/each}}`,

  notify_lock_taken: `🔒 {{by}} took {{bold pack}} to {{repo}} _{{branch}}_; others can't deploy it from another branch until {{by}} deploys _{{default}}_ or the lock ends in {{reverts}}.`,

  notify_lock_released: `🔓 {{by}} released {{#if holder}}{{holder}}'s{{else}}the{{/if}} lock on {{bold pack}}{{#if back}}: it is back on {{repo}} _{{branch}}_{{else}}; it stays on _{{branch}}_ until the next deploy{{/if}}.`,

  autodeploy_triggered: `🚀 Auto deployment of {{bold repo}} (branch: _{{branch}}_) triggered via commit by _{{author}}_ — {{bold packs}}{{#if skipped}} ({{plural skipped "locked pack"}} skipped){{/if}}{{#if forced}} after a force-push{{/if}}
> {{message}}`,

  autodeploy_locked: `the push to {{repo}} _{{branch}}_ by _{{author}}_ changed {{bold pack}}, which is locked to you on _{{held}}_ (since {{since}}), so auto deployment skipped it. When you are done, {{code (concat prefix "pack deploy " repo " " pack)}} puts it on _{{branch}}_.`,

  autodeploy_failed: `✗ Auto deployment of {{bold repo}} (branch: _{{branch}}_) failed before anything was deployed: {{reason}}`,

  autodeploy_branch_deleted: `⚠ _{{author}}_ deleted {{repo}}'s auto deployment branch _{{branch}}_; packbot deployed and removed nothing.`,

  announce: `🎉 {{bold repo}} _{{branch}}_ is live — deployed by {{by}} (id {{code id}})
{{#each packs}}
{{bold pack}} {{version}}
{{#each changes}}
  • {{this}}
{{/each}}
{{#each commits}}
  ◦ {{subject}} — {{author}} {{code short}}
{{/each}}
{{#if more}}
  ◦ … and {{plural more "more commit"}}
{{/if}}
{{#unless changes.length}}{{#unless commits.length}}
  • no changes to its actions, rules, sensors or aliases
{{/unless}}{{/unless}}
{{/each}}`,
};
