import { describe, expect, it } from '@jest/globals';
import { getSuite } from '@govx/crypto';
import { openSubject, sealSubject, SubjectError } from './subject.js';

describe.each(['intl', 'sm'] as const)('sealSubject() / openSubject() (%s)', (suiteId) => {
  const suite = getSuite(suiteId);
  const provider = suite.generateEncryptionKey();

  it('round-trips subject and claims; the commitment does not show the id', () => {
    const sealed = sealSubject(suite, provider.publicKey, 'r-1', {
      subject: '11010519491231002X',
      claims: { name: '王小明' },
    });
    expect(JSON.stringify(sealed)).not.toContain('11010519491231002X');
    expect(openSubject(provider, 'r-1', sealed)).toEqual({
      subject: '11010519491231002X',
      claims: { name: '王小明' },
    });
  });

  it('refuses another request id, another key and a swapped commitment', () => {
    const a = sealSubject(suite, provider.publicKey, 'r-1', { subject: 'A' });
    const b = sealSubject(suite, provider.publicKey, 'r-1', { subject: 'B' });
    expect(() => openSubject(provider, 'r-2', a)).toThrow(SubjectError);
    expect(() => openSubject(suite.generateEncryptionKey(), 'r-1', a)).toThrow(SubjectError);
    expect(() =>
      openSubject(provider, 'r-1', { ...a, subjectCommitment: b.subjectCommitment }),
    ).toThrow(expect.objectContaining({ field: 'subjectCommitment' }));
    expect(() => openSubject(provider, 'r-1', { ...a, subjectSealed: '!!' })).toThrow(
      expect.objectContaining({ field: 'subjectSealed' }),
    );
  });
});
