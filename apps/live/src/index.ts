export { startLiveServer } from './live-server';
export type { LiveServer, LiveServerOptions } from './live-server';
export { liveFiles } from './live-files';
export type { LiveFile } from './live-files';
export { LIVE_COLUMNS, rowsToCsv } from './live-columns';
export type { LiveColumn, LiveRow } from './live-columns';
