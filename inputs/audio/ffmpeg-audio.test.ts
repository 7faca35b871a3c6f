import { afterEach, describe, expect, it, vi } from 'vitest';
import { FfmpegAudioCapture, defaultAudioDevice } from './ffmpeg-audio';
import { AudioAnalyser } from '../../src/perform';

describe('FfmpegAudioCapture', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('decodes an ffmpeg source to PCM that the analyser reads: a 80 Hz tone is all low band', async () => {
    const analyser = new AudioAnalyser({ sampleRate: 48_000 });
    const capture = new FfmpegAudioCapture((s) => analyser.feed(s), {
      format: 'lavfi',
      device: 'sine=frequency=80:sample_rate=48000:duration=2',
    });
    capture.start();
    await capture.done();
    expect(capture.samples).toBe(96_000);
    expect(analyser.time).toBeCloseTo(2, 2);
    const f = analyser.features();
    expect(f.low).toBeGreaterThan(0.7);
    expect(f.high).toBeLessThan(0.2);
    expect(capture.reason).toBe('the audio source ended');
  });

  it('says why when the device cannot be opened, and stays off', async () => {
    const logs: string[] = [];
    const capture = new FfmpegAudioCapture(() => {}, { format: 'alsa', device: 'hw:99', log: (m) => logs.push(m) });
    capture.start();
    await capture.done();
    expect(capture.running).toBe(false);
    expect(capture.reason).toMatch(/^alsa hw:99: /);
    expect(logs).toHaveLength(1);
  });

  it('finds ffmpeg as the other ffmpeg parts do: a relative FFMPEG_PATH is refused with the reason, nothing runs', () => {
    vi.stubEnv('FFMPEG_PATH', 'bin/ffmpeg');
    const logs: string[] = [];
    const capture = new FfmpegAudioCapture(() => {}, { format: 'lavfi', device: 'sine', log: (m) => logs.push(m) });
    capture.start();
    expect(capture.running).toBe(false);
    expect(capture.reason).toBe('FFMPEG_PATH must be an absolute path, got "bin/ffmpeg"');
    expect(logs).toEqual(['Audio input: FFMPEG_PATH must be an absolute path, got "bin/ffmpeg".']);
  });

  it('a given ffmpeg that is not there says so and stays off', () => {
    const capture = new FfmpegAudioCapture(() => {}, {
      ffmpeg: '/nonexistent/ffmpeg',
      format: 'lavfi',
      device: 'sine',
    });
    capture.start();
    expect(capture.running).toBe(false);
    expect(capture.reason).toMatch(/^no ffmpeg at "\/nonexistent\/ffmpeg"/);
  });

  it('picks the platform device', () => {
    expect(defaultAudioDevice('linux')).toEqual({ format: 'pulse', device: 'default' });
    expect(defaultAudioDevice('darwin')).toEqual({ format: 'avfoundation', device: ':0' });
  });
});
