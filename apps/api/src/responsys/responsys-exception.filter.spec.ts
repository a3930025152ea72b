import { Logger } from '@nestjs/common';
import { classifyFailure } from '../common/failure';
import { responsysError } from './responsys-exception.filter';

describe('Responsys error body', () => {
  it('renders an unexpected error as a 500 with an error id and no stack', () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const body = responsysError(classifyFailure(new Error('database on fire')));
    expect(body).toEqual({
      type: '',
      title: 'Internal server error',
      errorCode: 'INTERNAL_SERVER_ERROR',
      detail: expect.stringMatching(/^Internal error \(id [0-9a-f-]{36}\)$/),
      errorDetails: [],
    });
    expect(JSON.stringify(body)).not.toContain('on fire');
  });
});
