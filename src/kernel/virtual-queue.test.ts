import { describe, expect, it } from 'vitest';
import { VirtualQueue } from './virtual-queue';

describe('VirtualQueue', () => {
  it('runs what is due in time order (equal times in the order added), each at its own time', () => {
    const queue = new VirtualQueue();
    let now = 0;
    const ran: string[] = [];
    queue.add(30, () => ran.push(`c@${now}`));
    queue.add(10, () => ran.push(`a@${now}`));
    queue.add(10, () => ran.push(`b@${now}`));
    queue.add(31, () => ran.push(`late@${now}`));
    queue.runUntil(30, (at) => (now = at));
    expect(ran).toEqual(['a@10', 'b@10', 'c@30']);
    expect(queue.size).toBe(1);
  });

  it('runs a callback added while running when it falls due in the same run, and honours a cancel made then', () => {
    const queue = new VirtualQueue();
    let now = 0;
    const ran: string[] = [];
    const cancelLater = queue.add(40, () => ran.push('cancelled'));
    queue.add(10, () => {
      ran.push(`first@${now}`);
      queue.add(now + 5, () => ran.push(`added@${now}`));
      queue.add(now + 100, () => ran.push('too late'));
      cancelLater();
    });
    queue.runUntil(50, (at) => (now = at));
    expect(ran).toEqual(['first@10', 'added@15']);
    expect(queue.size).toBe(1);
  });

  it('a cancel after the callback ran changes nothing', () => {
    const queue = new VirtualQueue();
    let runs = 0;
    const cancel = queue.add(1, () => runs++);
    const keep = queue.add(5, () => runs++);
    queue.runUntil(1, () => undefined);
    cancel();
    expect(queue.size).toBe(1);
    queue.runUntil(5, () => undefined);
    expect(runs).toBe(2);
    keep();
    expect(queue.size).toBe(0);
  });
});
