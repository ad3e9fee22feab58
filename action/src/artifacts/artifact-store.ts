/** Where jobs of one workflow run leave files for later jobs (GitHub artifacts, or a folder in tests). */
export interface ArtifactStore {
  /** Stores one file under a name; a name can be stored once per run. */
  upload(name: string, fileName: string, content: string): Promise<void>;
  /** Names of the artifacts of this run. */
  list(): Promise<string[]>;
  /** The content of the named artifact's file. */
  download(name: string, fileName: string): Promise<string>;
}
