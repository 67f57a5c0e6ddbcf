import { describe, expect, it } from 'vitest';
import type { Attribute, ServiceConfig } from './api';
import { addAttribute, definitionPreview, moveAttribute, problemsOf, removeAttribute, toInput, withDatatype } from './model';

const attr = (code: string, over: Partial<Attribute> = {}): Attribute => ({ code, variable: true, datatype: 'string', required: false, datatypeDescription: null, order: 1, description: code, values: [], ...over });

describe('open311 configuration model', () => {
  it('keeps order 1…n through add, move and remove', () => {
    let list = addAttribute([attr('a'), attr('b', { order: 7 })]);
    expect(list.map((a) => [a.code, a.order])).toEqual([['a', 1], ['b', 2], ['attr_3', 3]]);
    list = moveAttribute(list, 2, -1);
    expect(list.map((a) => [a.code, a.order])).toEqual([['a', 1], ['attr_3', 2], ['b', 3]]);
    expect(moveAttribute(list, 0, -1).map((a) => a.code)).toEqual(['a', 'attr_3', 'b']);
    list = removeAttribute(list, 0);
    expect(list.map((a) => [a.code, a.order])).toEqual([['attr_3', 1], ['b', 2]]);
    expect(addAttribute([attr('attr_2')]).at(-1)!.code).toBe('attr_3');
  });

  it('gives list datatypes a value row and drops values elsewhere', () => {
    const list = withDatatype(attr('kind'), 'multivaluelist');
    expect(list.values).toEqual([{ key: '', name: '' }]);
    expect(withDatatype({ ...list, values: [{ key: 'a', name: 'A' }] }, 'number').values).toEqual([]);
  });

  it('names what the server would refuse', () => {
    const problems = problemsOf([
      attr('ok'),
      attr('bad code'),
      attr('ok'),
      attr('nodesc', { description: ' ' }),
      attr('list', { datatype: 'singlevaluelist', values: [] }),
      attr('list2', { datatype: 'singlevaluelist', values: [{ key: 'a', name: 'A' }, { key: 'a', name: 'B' }, { key: '', name: 'x' }] }),
    ]);
    expect(problems).toEqual([
      { key: 'codeInvalid', index: 1 },
      { key: 'codeDuplicate', index: 2, code: 'ok' },
      { key: 'descriptionRequired', index: 3 },
      { key: 'valuesRequired', index: 4 },
      { key: 'valueIncomplete', index: 5 },
      { key: 'valueDuplicate', index: 5, value: 'a' },
    ]);
    expect(problemsOf([attr('a'), attr('b')])).toEqual([]);
  });

  it('previews the service definition as the server renders it', () => {
    const config: ServiceConfig = {
      code: 'event.01.01',
      name: '暴露垃圾',
      type: 'batch',
      description: '  ',
      keywords: ' 垃圾 ',
      serviceNotice: null,
      attributes: [attr('volume', { datatype: 'number', datatypeDescription: ' 立方米 ', order: 5 }), attr('kinds', { datatype: 'multivaluelist', required: true, order: 9, values: [{ key: ' bulky ', name: '大件' }] })],
    };
    expect(definitionPreview(config)).toEqual({
      service_code: 'event.01.01',
      attributes: [
        { variable: true, code: 'volume', datatype: 'number', required: false, datatype_description: '立方米', order: 1, description: 'volume' },
        { variable: true, code: 'kinds', datatype: 'multivaluelist', required: true, datatype_description: null, order: 2, description: 'kinds', values: [{ key: 'bulky', name: '大件' }] },
      ],
    });
    expect(toInput(config)).toMatchObject({ type: 'batch', description: null, keywords: '垃圾', serviceNotice: null });
  });
});
