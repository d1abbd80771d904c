// What a drop or a pick hands the page for one's own images: a folder's
// files with their paths inside it (a dropped folder is walked through the
// File and Directory Entries API; a picked one carries webkitRelativePath),
// or a single file (a zip, or a CIFAR tarball for the data panel's other
// half). DOM only; nothing is read here, the data worker reads the files.
import type { FolderSource } from '../protocol/data';

export type Dropped = { kind: 'folder'; source: FolderSource } | { kind: 'file'; file: File } | { kind: 'none' };

/** Every file under a dropped directory entry, with its path from the entry's parent. */
async function walk(entry: FileSystemEntry, into: Array<{ path: string; file: Blob }>): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    into.push({ path: entry.fullPath.replace(/^\//, ''), file });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries hands over at most 100 entries a call: read until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return;
    for (const e of batch) await walk(e, into);
  }
}

/** A drop: a folder (its files), a zip of one, or another single file. */
export async function fromDrop(data: DataTransfer): Promise<Dropped> {
  const entry = [...data.items].map((item) => item.webkitGetAsEntry?.() ?? null).find((e) => e !== null) ?? null;
  if (entry?.isDirectory) {
    const files: Array<{ path: string; file: Blob }> = [];
    await walk(entry, files);
    return { kind: 'folder', source: { kind: 'files', name: entry.name, files } };
  }
  const file = data.files[0];
  if (!file) return { kind: 'none' };
  if (/\.zip$/i.test(file.name)) return { kind: 'folder', source: { kind: 'zip', name: file.name, file } };
  return { kind: 'file', file };
}

/** A picked folder (an input with webkitdirectory): its files and their paths. */
export function fromPickedFolder(list: FileList): FolderSource | null {
  const files = [...list].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
  if (files.length === 0) return null;
  return { kind: 'files', name: files[0]?.path.split('/')[0] ?? 'folder', files };
}
