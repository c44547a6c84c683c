/** Templates for the queue, confirmations and branch locks (see defaults.ts for the naming rules). */
import { PLAN_BRIEF } from './plan.js';

export const COORD_TEMPLATES: Readonly<Record<string, string>> = {
  deploy_queued: `Queued: {{what}} — {{plural ahead "request"}} ahead of you (id {{code id}}). I'll mention you when it is your turn; {{code (concat prefix "pack cancel " id)}} withdraws it.`,

  confirm_prompt: `Say _{{phrase}}_ to complete {{#if pushedBy}}the auto deployment (pushed by {{pushedBy}}){{else}}your deployment{{/if}} of {{bold packs}} from {{bold repo}} branch _{{branch}}_ (within {{timeout}}{{#if pushedBy}}; anyone allowed to deploy {{repo}} may confirm{{/if}}; {{code (concat prefix "pack cancel " id)}} withdraws it).
{{#if plan}}
${PLAN_BRIEF}
{{/if}}
{{#if planError}}
(No plan: {{planError}})
{{/if}}`,

  deploy_confirming: `Waiting for {{who}} to confirm the deployment of {{bold packs}} from {{bold repo}} branch _{{branch}}_ (id {{code id}}); the phrase is in the thread.`,

  confirm_resolved: `{{outcome}} — the deployment of {{bold packs}} from {{bold repo}} branch _{{branch}}_ (id {{code id}}).`,

  confirm_not_yours: `{{#if pushed}}That phrase confirms an auto deployment ({{what}}); only people allowed to deploy its repository can confirm it.{{else}}That phrase confirms {{owner}}'s deployment ({{what}}), not yours; only {{owner}} can confirm it.{{/if}}`,

  confirm_wrong: `That is not your phrase. To complete your deployment ({{what}}), say _{{phrase}}_.`,

  confirm_nothing: `You have no deployment waiting for confirmation in this channel.`,

  confirm_timeout: `Your deployment of {{bold packs}} from {{bold repo}} branch _{{branch}}_ was dropped: it was not confirmed within {{timeout}}. Deploy again when you are ready.`,

  queue_expired: `Your deployment of {{bold packs}} from {{bold repo}} branch _{{branch}}_ (id {{code id}}) was dropped after waiting {{waited}} (queue.max_wait is {{max}}). Deploy again if it is still wanted.`,

  deploy_refused: `{{message}}`,

  deploy_interrupted: `Your deployment {{code id}} of {{bold packs}} was cut off: {{reason}}. Deploy again to retry.`,

  outcome_pending: `{{#if settled}}✓ The state store is back: deployment {{code id}} of {{bold packs}} from {{repo}} _{{branch}}_ is recorded and its branch locks are moved.{{else}}⚠ The state store is unavailable, so deployment {{code id}} of {{bold packs}} from {{repo}} _{{branch}}_ is not recorded and its branch locks are not moved yet. Its outcome is kept on disk (state_dir/outcomes) and goes in as soon as the store is back; until then {{code (concat prefix "pack locks")}} and {{code (concat prefix "pack history")}} don't show it.{{/if}}`,

  request_lost: `Your deployment {{code id}} of {{bold packs}} from {{repo}} _{{branch}}_ was lost: the state store restarted empty while it waited in the queue. Ask again to deploy it.`,

  cancelled: `Cancelled {{what}} (id {{code id}}){{#if forced}}, which was {{owner}}'s{{/if}}.`,

  queue_list: `{{#if entries.length}}Deploy queue:
{{#each entries}}
{{position}}. {{code id}} {{state}} — {{what}}, by {{by}} since {{ago}}
{{/each}}{{else}}The deploy queue is empty.{{/if}}`,

  locks_list: `{{#if locks.length}}Locked packs:
{{#each locks}}
• {{pack}} on {{repo}} _{{branch}}_ — {{by}} since {{since}}, reverts {{reverts}}{{#if reason}} ({{reason}}){{/if}}
{{/each}}{{else}}No packs are locked.{{/if}}`,

  lock_released: `{{#if forced}}⚠ {{by}} force-released {{owner}}'s lock on {{bold pack}} (branch _{{branch}}_). It stays on _{{branch}}_ until the next deploy.{{else}}Released your lock on {{bold pack}}; it stays on _{{branch}}_ until the next deploy.{{/if}}`,

  lock_extended: `{{bold pack}} stays on _{{branch}}_ until {{until}} (in {{left}}).`,

  lock_warning: `{{bold pack}} goes back to {{repo}} _{{default}}_ in {{left}}, when your lock on _{{branch}}_ ends. {{code (concat prefix "pack lock extend " pack " 1h")}} keeps it longer.`,

  lock_reverted: `{{#if error}}✗ Could not put {{bold pack}} back on {{repo}} _{{default}}_ after {{owner}}'s lock on _{{branch}}_ expired: {{error}}. The lock is released; deploy {{default}} by hand.{{else}}↩ {{bold pack}} is back on {{repo}} _{{default}}_: {{owner}}'s lock on _{{branch}}_ expired after {{held}}.{{/if}}`,
};
