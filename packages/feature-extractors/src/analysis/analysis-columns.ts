import { EXPRESSION_CLASSES } from './expression-classifier';

/**
 * The per-frame columns of an analysis (`mer analyze`'s CSV, the live page's rows and export): frame,
 * time, the face as OpenFace and py-feat write it, the 7 expression probabilities, the dominant class,
 * expression-derived valence/arousal, then the audio side.
 */
export const ANALYSIS_COLUMNS = ['frame', 'timestamp', 'face_id', 'face_x', 'face_y', 'face_w', 'face_h', 'face_score', 'success', ...EXPRESSION_CLASSES, 'expression', 'valence', 'arousal', 'speech_prob', 'loudness', 'f0_hz'] as const;
