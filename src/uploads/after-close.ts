// What the upload view says about closing the tab. The worker reports, by feature detection, what
// becomes of unfinished uploads once no page is open (AfterPageCloses); the words for each case
// live here and nowhere else, so a new way of carrying on (e.g. Background Fetch) is one more case.

import type { AfterPageCloses } from '../../lib/protocol/messages.ts';

/** The hint shown while uploads are unfinished; nothing before the worker has said how it stands. */
export function afterCloseInWords(after: AfterPageCloses | undefined, active: number): string | undefined {
  if (after === undefined || active === 0) return undefined;
  const one = active === 1;
  const them = one ? 'the upload' : `the ${active} uploads`;
  switch (after) {
    case 'background-sync':
      return `You can close this tab: ${them} ${one ? 'carries' : 'carry'} on in the background for a while, and whatever is left resumes when you open Skylift again.`;
    case 'page-needed':
      return `Keep a Skylift tab open until ${them} ${one ? 'finishes' : 'finish'}: this browser stops uploading soon after the last Skylift tab closes. ${one ? 'It resumes' : 'They resume'} where ${one ? 'it' : 'they'} stopped when you open Skylift again, without choosing the files again.`;
  }
}
