/**
 * Where a saved model's files live, as the tensor packages see it: named byte blobs. The tensor
 * packages never touch a file system; the caller passes an implementation (a folder on disk from
 * `@mer/media`'s `folderFiles`, memory, or whatever a browser app fetched).
 */
export interface ModelFiles {
  /** For messages: the folder, URL or store name. */
  readonly location: string;
  /** The file's bytes, or undefined when it does not exist. */
  read(name: string): Uint8Array | undefined;
  /** Writes a whole file; an implementation on disk writes atomically. */
  write(name: string, data: Uint8Array): void | Promise<void>;
}

/** Model files held in memory (tests, browsers: fill `files` with fetched bytes). */
export function memoryFiles(location = 'memory', files: Map<string, Uint8Array> = new Map()): ModelFiles & { files: Map<string, Uint8Array> } {
  return {
    location,
    files,
    read: (name) => files.get(name),
    write: (name, data) => void files.set(name, data.slice()),
  };
}
