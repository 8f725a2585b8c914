// Files as chosen or dropped, with the path that becomes their key: `name` for single files,
// `folder/sub/name` for files inside a chosen or dropped folder.

export interface PickedFile {
  file: File;
  /** Relative path with `/` separators, never starting with `/`. */
  relativePath: string;
}

/** Files from an <input type=file>; a folder input (webkitdirectory) gives each its path in the folder. */
export function pickedFromFiles(files: Iterable<File>): PickedFile[] {
  return [...files].map((file) => ({ file, relativePath: file.webkitRelativePath || file.name }));
}

/** The parts of the FileSystem entry API used here, so tests can hand in fakes. */
export interface EntryLike {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly name: string;
  readonly fullPath: string;
}
interface FileEntryLike extends EntryLike {
  file(success: (file: File) => void, failure?: (error: DOMException) => void): void;
}
interface DirectoryEntryLike extends EntryLike {
  createReader(): {
    readEntries(success: (entries: EntryLike[]) => void, failure?: (error: DOMException) => void): void;
  };
}

/** The entries of a directory: readEntries answers in batches (100 in Chromium) until an empty one. */
async function readAll(directory: DirectoryEntryLike): Promise<EntryLike[]> {
  const reader = directory.createReader();
  const all: EntryLike[] = [];
  for (;;) {
    const batch = await new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

const pathOf = (entry: EntryLike) => entry.fullPath.replace(/^\/+/, '') || entry.name;

/** Every file under `entry`, depth first, in name order so a folder always queues the same way. */
export async function filesOfEntry(entry: EntryLike): Promise<PickedFile[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileEntryLike).file(resolve, reject));
    return [{ file, relativePath: pathOf(entry) }];
  }
  if (!entry.isDirectory) return [];
  const children = (await readAll(entry as DirectoryEntryLike)).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const nested: PickedFile[] = [];
  for (const child of children) nested.push(...(await filesOfEntry(child)));
  return nested;
}

/**
 * Files from a drop. The DataTransfer is emptied when the drop handler returns, so this must be
 * called synchronously inside it: it takes every item's entry and File at once, and only then
 * walks folders. Browsers without entries (or a DataTransfer built by a script, whose items have
 * none) give plain files.
 */
export function pickedFromDrop(transfer: DataTransfer): Promise<PickedFile[]> {
  const items = [...transfer.items].filter((item) => item.kind === 'file');
  if (items.length === 0) return Promise.resolve(pickedFromFiles(transfer.files));
  const taken = items.map((item) => ({ entry: item.webkitGetAsEntry?.() ?? null, file: item.getAsFile() }));
  return (async () => {
    const picked: PickedFile[] = [];
    for (const { entry, file } of taken) {
      if (entry?.isDirectory) picked.push(...(await filesOfEntry(entry)));
      else if (file) picked.push({ file, relativePath: file.name });
    }
    return picked;
  })();
}
