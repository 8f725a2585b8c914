// Carrying out one scenario step on the world. User actions go through the page↔worker protocol as
// the page sends them (harness/app-page.ts); what the worker answers (e.g. "That upload is already
// finished." to a late pause) is logged, not judged: the checks after the run judge the outcome.

import { askWorker, enqueueFiles, WorkerRefusal } from '../harness/app-page.ts';
import type { UploadReply } from '../lib/protocol/messages.ts';
import type { UploadOptions } from '../lib/protocol/upload-options.ts';
import type { Action, Scenario } from './scenario.ts';
import type { SourceFile } from './source-files.ts';
import type { World } from './world.ts';

/** What a run learns as it goes: which upload each file became. */
export interface RunState {
  scenario: Scenario;
  sources: SourceFile[];
  /** The object key of each file: unique per run and file, so a key names one upload. */
  keys: string[];
  /** Upload id per file index, once the worker took the file. */
  uploadIds: Map<number, string>;
  /** Files the worker refused to take, with its reason. */
  refused: Map<number, string>;
}

export function uploadOptions(state: RunState, index: number): UploadOptions {
  const { partSize, parallel } = state.sources[index]!;
  return {
    key: state.keys[index]!,
    ...(partSize === undefined ? {} : { partSize }),
    ...(parallel === undefined ? {} : { parallel }),
  };
}

/** Carries out `action`; returns what happened worth a log line, if anything. */
export async function perform(world: World, state: RunState, action: Action): Promise<string | undefined> {
  switch (action.kind) {
    case 'enqueue': {
      const page = await world.ensurePage();
      try {
        const ids = await enqueueFiles(
          page,
          action.files.map((i) => state.sources[i]!.path),
          action.files.map((i) => uploadOptions(state, i)),
        );
        for (const [n, file] of action.files.entries()) state.uploadIds.set(file, ids[n]!);
        return `upload ids ${ids.join(' ')}`;
      } catch (error) {
        if (!(error instanceof WorkerRefusal)) throw error;
        const reason = error.message;
        for (const file of action.files) state.refused.set(file, reason);
        return reason;
      }
    }
    case 'command': {
      const uploadId = state.uploadIds.get(action.file);
      if (uploadId === undefined) return 'not handed over: nothing to do';
      const page = await world.ensurePage();
      const reply = await askWorker<UploadReply>(page, {
        type: 'upload/command',
        uploadId,
        command: action.command,
      });
      return reply.ok ? undefined : `the worker answered: ${reply.error}`;
    }
    case 'offline':
      await world.setOffline(true);
      return;
    case 'online':
      await world.setOffline(false);
      return;
    case 'close-page':
      await world.closePages();
      return;
    case 'open-page':
      await world.ensurePage();
      return;
    case 'stop-workers':
      await world.stopWorkers();
      return;
    case 'kill-browser':
      await world.killBrowser();
      return;
    case 'relaunch-browser':
      await world.relaunchBrowser();
      return;
    case 'kill-emulator':
      await world.killEmulator();
      return;
    case 'restart-emulator':
      await world.restartEmulator();
      return;
    case 'faults':
      await world.setFaults(action.config);
      return;
    case 'clear-faults':
      await world.setFaults(state.scenario.baseline);
      return;
  }
}
