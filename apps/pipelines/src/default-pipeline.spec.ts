import { defaultPipeline, SPEECH_CORPUS_DEFAULT } from './default-pipeline';
import { networkNames } from '@mer/training';
import './network-registry';

describe('defaultPipeline: the declared default network for a corpus', () => {
  it('audio-only files (any case of the extension) take the inner-LOSO winner, a registered network', () => {
    const choice = defaultPipeline(['/d/03a01Wa.wav', '/d/b.FLAC', '/d/c.mp3', '/d/d.m4a', '/d/e.ogg']);
    expect(choice).toEqual({ network: 'speech-kernel', why: SPEECH_CORPUS_DEFAULT.rule });
    expect(networkNames()).toContain(choice.network);
  });

  it('one file that may carry video, or no files, has no default, naming why', () => {
    expect(defaultPipeline(['/d/a.wav', '/d/01-01-01.mp4', '/d/c.wav'])).toEqual({ network: null, why: '/d/01-01-01.mp4 may carry video (only audio-only corpora have a default)' });
    expect(defaultPipeline(['/d/clip.webm'])).toMatchObject({ network: null });
    expect(defaultPipeline([])).toEqual({ network: null, why: 'the dataset has no items' });
  });
});
