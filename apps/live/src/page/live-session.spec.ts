import type { LiveAudio, AudioCells } from './live-audio';
import type { LiveFaces } from './live-faces';
import type { LiveView } from './live-view';
import { LiveSession } from './live-session';

/**
 * A microphone whose analysis runs behind the video, as on a busy page: cells are known only up to
 * `settledUntil`; asked beyond it, it answers with the newest known (what the display shows live).
 */
class LaggingAudio {
  settledUntil = -Infinity;
  /** The true cells at page time t (s): speech from 1 s, F0 rising 100 Hz a second. */
  truth(t: number): AudioCells {
    return { speech: t >= 1 ? 0.9 : 0.1, loudness: 10 * t, f0: 100 * t };
  }
  at(t: number): AudioCells {
    return this.truth(Math.min(t, Math.max(0, this.settledUntil)));
  }
  get seconds(): number {
    return Math.max(0, this.settledUntil);
  }
}

const view = { show: () => undefined } as unknown as LiveView;
const faces = { frame: async () => null } as unknown as LiveFaces;
const frame = { data: new Uint8Array(3), width: 1, height: 1 };

describe('LiveSession rows while the audio analysis lags the video', () => {
  it('gives a row its own time’s audio cells once the analysis reaches it, the newest known before that', async () => {
    const audio = new LaggingAudio();
    const session = new LiveSession(view, faces, audio as unknown as LiveAudio, 0);
    audio.settledUntil = 0.5;
    for (let i = 0; i < 60; i++) await session.process(frame, i, 1000 + (1000 * i) / 30, i % 2 ? 3 : 1); // frames at 1.0 … 2.97 s
    // Stage times: the grab times given (mean 2 ms); no face, so the expression model never ran.
    expect(session.state.stageMs.grab).toBeCloseTo(2, 9);
    expect(session.state.stageMs.classify).toBe(0);
    // The analysis reached 0.5 s only: every row carries the newest cells known, none its own.
    const early = session.snapshot();
    expect(early).toHaveLength(60);
    for (const r of early) expect([r.speech_prob, r.loudness, r.f0_hz]).toEqual([0.1, 5, 50]);
    // It catches up to 2 s: the rows up to there get their own cells; the later ones keep what was known when they were drawn.
    audio.settledUntil = 2;
    const caught = session.snapshot();
    caught.forEach((r, i) => {
      const t = 1 + i / 30;
      if (t + 1 / 30 <= 2) expect(r.f0_hz).toBeCloseTo(audio.truth(t).f0, 6);
      else expect(r.f0_hz).toBe(50);
    });
    expect(caught.filter((r) => Number(r.speech_prob) === 0.9).length).toBeGreaterThan(25);
    // All of it: the export has every row's own cells.
    audio.settledUntil = 10;
    const lines = session.csv().trim().split('\n');
    const f0 = lines[0].split(',').indexOf('f0_hz');
    lines.slice(1).forEach((line, i) => expect(Number(line.split(',')[f0])).toBeCloseTo(100 * (1 + i / 30), 1)); // the CSV keeps 0.1 Hz
    // A snapshot is a copy: changing it leaves the session's rows alone.
    caught[0].f0_hz = -1;
    expect(session.snapshot()[0].f0_hz).toBeCloseTo(100, 6);
  });
});
