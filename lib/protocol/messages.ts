// Messages between the page and the service worker. One definition for both sides.

/** Page → waiting worker: take over now. The value is the one workbox-window's messageSkipWaiting() sends. */
export const SKIP_WAITING = 'SKIP_WAITING';
