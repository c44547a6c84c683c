/**
 * A deploy run from a shell (`packbot deploy`, `packbot install`): a line on stderr as each
 * stage finishes, then the summary chat would show (or the whole result as JSON) on stdout,
 * everything masked. Coordination's other events have no one to tell here.
 */
import { reply, type Reply } from '../chat/reply.js';
import type { Masker } from '../../core/masking/masker.js';
import type { CoordEvents } from '../../services/coord/events.js';
import type { ProgressEvent } from '../../services/deploy/stage-clock.js';
import type { DeployResult } from '../../services/deploy/types.js';
import { progressLine, summaryView } from './deploy-view.js';

export interface CliPresenterDeps {
  /** `--json`: no progress, and the result as JSON instead of the summary. */
  json: boolean;
  masker: Masker;
  /** A reply as the console shows it (the app's responder). */
  render: (reply: Reply) => string;
  out: (text: string) => void;
  err: (text: string) => void;
}

export interface CliPresenter extends CoordEvents {
  /** A stage of a run with no coordination events (one that could not be planned). */
  progress(event: ProgressEvent): void;
  /** Prints how the run ended. */
  summary(result: DeployResult): void;
}

export function createCliPresenter(deps: CliPresenterDeps): CliPresenter {
  function progress(event: ProgressEvent): void {
    if (deps.json) return;
    const line = progressLine(event);
    if (line) deps.err(`${deps.masker.mask(line)}\n`);
  }
  return {
    progress,
    async emit(e) {
      if (e.kind === 'progress') progress(e.progress);
    },
    announces: () => false,
    summary(result) {
      const text = deps.json ? JSON.stringify(result, null, 2) : deps.render(reply('deploy_summary', summaryView(result)));
      deps.out(`${deps.masker.mask(text)}\n`);
    },
  };
}
