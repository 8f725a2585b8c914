// The error a second emulator gets for a data directory another one is using. In a module of its own,
// without dependencies, so `npm start` can recognise it without loading the emulator.

export class DataDirLockedError extends Error {
  constructor(
    /** Absolute path of the data directory. */
    readonly dataDir: string,
    /** The process holding it, when it could be told. */
    readonly holderPid?: number,
  ) {
    const holder =
      holderPid === undefined ? 'another OSS emulator' : `another OSS emulator (pid ${holderPid})`;
    super(
      `The data directory ${dataDir} is in use by ${holder}: stop that one, or give this one another data directory`,
    );
    this.name = 'DataDirLockedError';
  }
}
