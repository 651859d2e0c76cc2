import { freeSipPort, freeTcpPort } from './ports';

describe('free ports', () => {
  it('gives distinct usable ports', async () => {
    const a = await freeTcpPort();
    const b = await freeSipPort();
    expect(a).toBeGreaterThan(1024);
    expect(b).toBeGreaterThan(1024);
  });
});
