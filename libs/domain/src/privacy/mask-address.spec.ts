import { maskAddress } from './mask-address';

describe('maskAddress', () => {
  it.each([
    ['tom.sawyer@example.com', 't*********@example.com'],
    ['t@example.com', 't**@example.com'],
    ['+919876543210', '+91******3210'],
    ['123', '***'],
  ])('%s -> %s', (address, masked) => expect(maskAddress(address)).toBe(masked));
});
