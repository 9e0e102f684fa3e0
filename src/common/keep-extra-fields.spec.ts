import { Type } from 'class-transformer';
import { IsString, ValidateNested } from 'class-validator';
import { AppValidationPipe } from './app-validation.pipe.js';
import { KeepExtraFields } from './keep-extra-fields.js';

@KeepExtraFields()
class RingCentralThing {
  @IsString()
  id: string;
}

class Body {
  @IsString()
  name: string;

  @ValidateNested()
  @Type(() => RingCentralThing)
  thing: RingCentralThing;
}

describe('AppValidationPipe with @KeepExtraFields', () => {
  const pipe = new AppValidationPipe();
  const run = (value: unknown) => pipe.transform(value, { type: 'body', metatype: Body });

  it('keeps undeclared fields of marked objects and strips them elsewhere', async () => {
    const result = (await run({ name: 'n', extra: 1, thing: { id: 'x', uri: 'https://rc/x', nested: { a: 1 } } })) as Body &
      Record<string, unknown>;
    expect(result).toBeInstanceOf(Body);
    expect(result.extra).toBeUndefined();
    expect(result.thing).toMatchObject({ id: 'x', uri: 'https://rc/x', nested: { a: 1 } });
  });

  it('leaves the parsed body untouched, since the extra fields are restored from it', async () => {
    const body = { name: 'n', extra: 1, thing: { id: 'x', uri: 'https://rc/x', nested: { a: 1 } } };
    const copy = structuredClone(body);
    const result = (await run(body)) as Body;
    expect(body).toEqual(copy);
    expect(result.thing).not.toBe(body.thing);
  });

  it('still validates the declared fields, naming the nested path', async () => {
    await expect(run({ name: 'n', thing: { id: 5 } })).rejects.toMatchObject({
      message: 'thing.id must be a string',
      details: { fields: ['thing.id'] },
    });
  });
});
