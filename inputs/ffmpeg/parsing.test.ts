import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cameraArgs, fileArgs } from './args';
import { cameraDevice } from './camera-source';
import { listCameras, parseAvfoundation, parseDshow } from './devices';
import { PamReader } from './pam-reader';

const pam = (w: number, h: number, depth: number, fill: number) =>
  Buffer.concat([
    Buffer.from(`P7\nWIDTH ${w}\nHEIGHT ${h}\nDEPTH ${depth}\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n`),
    Buffer.alloc(w * h * depth, fill),
  ]);

describe('PamReader', () => {
  it('reads frames split anywhere across chunks, sizes changing midway', () => {
    const stream = Buffer.concat([pam(3, 2, 4, 1), pam(5, 1, 4, 2), pam(2, 2, 3, 3)]);
    for (const size of [1, 7, 23, 64, stream.length]) {
      const reader = new PamReader();
      const frames = [];
      for (let i = 0; i < stream.length; i += size) frames.push(...reader.push(stream.subarray(i, i + size)));
      expect(frames.map((f) => [f.width, f.height, f.depth, f.data[0], f.data.length])).toEqual([
        [3, 2, 4, 1, 24],
        [5, 1, 4, 2, 20],
        [2, 2, 3, 3, 12],
      ]);
    }
  });

  it.each([
    ['not PAM at all', Buffer.from('P6\n3 2\n255\nENDHDR\n')],
    ['no header end', Buffer.alloc(2000, 0x41)],
    ['an absurd size', Buffer.from('P7\nWIDTH 100000\nHEIGHT 2\nDEPTH 4\nMAXVAL 255\nENDHDR\n')],
    ['16-bit samples', Buffer.from('P7\nWIDTH 2\nHEIGHT 2\nDEPTH 4\nMAXVAL 65535\nENDHDR\n')],
  ])('throws a sentence on %s', (_, bytes) => {
    expect(() => new PamReader().push(bytes)).toThrow(/PAM/);
  });
});

describe('ffmpeg command lines', () => {
  const limits = { maxWidth: 1920, maxHeight: 1080 };

  it('opens files through the file: protocol only, looped or not, at a speed', () => {
    const once = fileArgs('/clips/a b.mp4', { loop: false, speed: 1, ...limits });
    expect(once).toContain('file:/clips/a b.mp4');
    expect(once.slice(once.indexOf('-protocol_whitelist'), once.indexOf('-protocol_whitelist') + 2)).toEqual([
      '-protocol_whitelist',
      'file',
    ]);
    expect(once).toContain('-re');
    expect(once).not.toContain('-stream_loop');
    const fast = fileArgs('/clips/a.mp4', { loop: true, speed: 2, ...limits });
    expect(fast.join(' ')).toContain('-stream_loop -1 -readrate 2 -i file:/clips/a.mp4');
    expect(fast.join(' ')).toContain("scale=w='min(iw,1920)':h='min(ih,1080)'");
    expect(fast.slice(-7)).toEqual(['-pix_fmt', 'rgba', '-c:v', 'pam', '-f', 'image2pipe', 'pipe:1']);
  });

  it.each([
    ['linux', '/dev/video0', '-f v4l2 -framerate 30 -video_size 1280x720 -i /dev/video0'],
    ['darwin', 'FaceTime HD Camera', '-f avfoundation -framerate 30 -video_size 1280x720 -i FaceTime HD Camera:none'],
    ['win32', 'Integrated Camera', '-f dshow -framerate 30 -video_size 1280x720 -i video=Integrated Camera'],
  ] as const)('cameras on %s', (platform, device, expected) => {
    const args = cameraArgs({ device, width: 1280, height: 720, fps: 30 }, limits, platform);
    expect(args.join(' ')).toContain(expected);
  });

  it.each([
    ['linux', '/dev/video0', true],
    ['linux', '/dev/v4l/by-id/usb-Logitech_C920-video-index0', true],
    ['linux', '/etc/passwd', false],
    ['linux', '/dev/video0; rm -rf /', false],
    ['darwin', 'FaceTime HD Camera', true],
    ['win32', 'Cam"era', false],
    ['darwin', '', false],
  ] as const)('camera name %s %s accepted: %s', (platform, device, ok) => {
    const check = () => cameraDevice(device, platform);
    if (ok) expect(check()).toBe(device);
    else expect(check).toThrow();
  });
});

describe('camera listings', () => {
  it('reads /sys/class/video4linux on Linux', async () => {
    const sys = mkdtempSync(join(tmpdir(), 'v4l-'));
    for (const [node, name] of [
      ['video2', 'Logitech C920'],
      ['video0', 'Integrated Camera'],
    ]) {
      mkdirSync(join(sys, node!));
      writeFileSync(join(sys, node!, 'name'), `${name}\n`);
    }
    expect(await listCameras(undefined, 'linux', sys)).toEqual([
      { device: '/dev/video0', name: 'Integrated Camera' },
      { device: '/dev/video2', name: 'Logitech C920' },
    ]);
    expect(await listCameras(undefined, 'linux', join(sys, 'missing'))).toEqual([]);
  });

  it('parses AVFoundation and DirectShow listings', () => {
    const mac = [
      '[AVFoundation indev @ 0x7f8] AVFoundation video devices:',
      '[AVFoundation indev @ 0x7f8] [0] FaceTime HD Camera',
      '[AVFoundation indev @ 0x7f8] [1] Capture screen 0',
      '[AVFoundation indev @ 0x7f8] AVFoundation audio devices:',
      '[AVFoundation indev @ 0x7f8] [0] MacBook Pro Microphone',
    ].join('\n');
    expect(parseAvfoundation(mac).map((d) => d.device)).toEqual(['FaceTime HD Camera', 'Capture screen 0']);
    const win = [
      '[dshow @ 000001] "Integrated Camera" (video)',
      '[dshow @ 000001]   Alternative name "@device_pnp_\\\\?\\usb#vid"',
      '[dshow @ 000001] "Microphone (Realtek)" (audio)',
    ].join('\n');
    expect(parseDshow(win)).toEqual([{ device: 'Integrated Camera', name: 'Integrated Camera' }]);
  });
});
