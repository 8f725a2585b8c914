// Persistent storage. Queued files live in the app's storage until they are uploaded, and a browser
// may delete "best-effort" storage when the device runs low on space. Only a page may ask for
// persistence, and in Firefox asking waits for the person to answer a prompt — possibly forever —
// so Skylift asks once, never waits for the answer before an upload starts, and says how it stands.

export type PersistenceState = 'unknown' | 'unsupported' | 'not-asked' | 'asking' | 'granted' | 'refused';

/** navigator.storage as far as persistence goes; WebKitGTK has no navigator.storage at all. */
export type PersistenceApi = Partial<Pick<StorageManager, 'persist' | 'persisted'>>;

export class StoragePersistence {
  private current: PersistenceState = 'unknown';

  constructor(
    private readonly storage: PersistenceApi | undefined,
    private readonly changed: (state: PersistenceState) => void = () => undefined,
  ) {}

  get state(): PersistenceState {
    return this.current;
  }

  /** Finds out how it stands without asking anyone: persisted() never prompts. */
  async check(): Promise<void> {
    if (!this.storage?.persist || !this.storage.persisted) {
      this.set('unsupported');
      return;
    }
    const persisted = await this.storage.persisted().catch(() => false);
    // ask() may have been called meanwhile: its answer is the newer one.
    if (this.current === 'unknown' || (persisted && this.current !== 'granted')) {
      this.set(persisted ? 'granted' : 'not-asked');
    }
  }

  /** Asks the browser once (files are being added) and returns at once; the answer comes later, or never. */
  ask(): void {
    const persist = this.storage?.persist;
    if (!persist || !['unknown', 'not-asked'].includes(this.current)) return;
    this.set('asking');
    persist.call(this.storage).then(
      (granted) => this.set(granted ? 'granted' : 'refused'),
      () => this.set('refused'),
    );
  }

  private set(state: PersistenceState): void {
    if (state === this.current) return;
    this.current = state;
    this.changed(state);
  }
}

const WITHOUT_IT =
  'the browser may delete files waiting to upload when the device runs low on space, and they would then have to be added again.';

/** The line the upload view shows about persistent storage; nothing until it is known. */
export function persistenceInWords(state: PersistenceState): string | undefined {
  switch (state) {
    case 'unknown':
      return undefined;
    case 'unsupported':
      return `This browser offers no persistent storage: ${WITHOUT_IT}`;
    case 'not-asked':
      return `Persistent storage is off; Skylift asks the browser for it when you add files. Without it, ${WITHOUT_IT}`;
    case 'asking':
      return `Skylift asked the browser for persistent storage and is waiting for its answer (some browsers ask you first); uploads go ahead meanwhile. Without it, ${WITHOUT_IT}`;
    case 'granted':
      return 'Persistent storage is on: the browser keeps files waiting to upload even when the device runs low on space.';
    case 'refused':
      return `The browser did not grant persistent storage: ${WITHOUT_IT}`;
  }
}
