import { pauseReasonLabel } from './pause-reasons';

describe('pauseReasonLabel', () => {
  const configured = [{ id: 'lunch', label: 'Lunch' }, { id: 'no-answer', label: 'Missed a call' }];
  it.each([
    ['lunch', 'Lunch'],
    ['login', 'just signed in'],
    ['no-answer', 'Missed a call'],
    ['rang-out', 'rang-out'],
  ])('%s → %s', (reason, label) => {
    expect(pauseReasonLabel(reason, configured)).toBe(label);
  });

  it('names the server reasons without configuration', () => {
    expect(pauseReasonLabel('no-answer', [])).toBe('no answer');
  });
});
